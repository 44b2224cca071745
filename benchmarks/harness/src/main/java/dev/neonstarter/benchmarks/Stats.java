package dev.neonstarter.benchmarks;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Order statistics of small samples (nearest rank). */
final class Stats {

	private Stats() {
	}

	/** One start of a variant in one round of a paired comparison. */
	interface Round {

		String variant();

		int index();

		long millis();

	}

	/**
	 * Per round, {@code variant}'s time minus {@code baseline}'s: the two started within seconds of each other, so
	 * a drift of the machine's load over the run weighs on both.
	 */
	static List<Long> roundDifferences(List<? extends Round> runs, String variant, String baseline) {
		Map<Integer, Long> baselines = runs.stream()
			.filter((run) -> run.variant().equals(baseline))
			.collect(Collectors.toMap(Round::index, Round::millis));
		return runs.stream()
			.filter((run) -> run.variant().equals(variant) && baselines.containsKey(run.index()))
			.map((run) -> run.millis() - baselines.get(run.index()))
			.toList();
	}

	static double median(Collection<? extends Number> values) {
		return percentile(values, 50);
	}

	/** The nearest-rank percentile: the smallest value with at least {@code p} % of the sample at or below it. */
	static double percentile(Collection<? extends Number> values, double p) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
		if (p == 50 && sorted.length % 2 == 0) {
			return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
		}
		int rank = (int) Math.ceil(p / 100 * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

	/**
	 * A distribution-free interval for the median of a sample: the order statistics {@code k} and
	 * {@code n + 1 - k}, with the largest {@code k} whose binomial tail keeps the coverage at or above
	 * {@code confidence}. {@code null} when the sample is too small for that coverage.
	 */
	static Interval medianInterval(Collection<? extends Number> values, double confidence) {
		double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
		int n = sorted.length;
		int k = 0;
		double coverage = Double.NaN;
		// tail = P(X <= j) for X ~ Binomial(n, 1/2), built term by term.
		double term = Math.pow(0.5, n);
		double tail = term;
		for (int j = 0; j < n / 2 && 1 - 2 * tail >= confidence; j++) {
			k = j + 1;
			coverage = 1 - 2 * tail;
			term = term * (n - j) / (j + 1);
			tail += term;
		}
		return (k == 0) ? null : new Interval(sorted[k - 1], sorted[n - k], coverage);
	}

	/** An interval and the probability that it holds the true value. */
	record Interval(double low, double high, double coverage) {

	}

	static double max(Collection<? extends Number> values) {
		return values.stream().mapToDouble(Number::doubleValue).max().orElse(Double.NaN);
	}

	static double min(Collection<? extends Number> values) {
		return values.stream().mapToDouble(Number::doubleValue).min().orElse(Double.NaN);
	}

	static String format(double value) {
		return Double.isNaN(value) ? "-" : (Math.abs(value) >= 100) ? String.format("%.0f", value)
				: (Math.abs(value) >= 10) ? String.format("%.1f", value) : String.format("%.2f", value);
	}

}
