package dev.neonstarter.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import dev.neonstarter.benchmarks.startup.StartupApp;
import dev.neonstarter.testsupport.NeonTestTopology;

/**
 * Where the starter's startup time goes compared with the hand-assembled equivalent: the startup app of
 * {@link StartupComparison} started in fresh JVMs with Spring's startup timeline kept
 * ({@code BufferingApplicationStartup}), alternating between two variants; each step's own time (its duration
 * less its children's), summed per step and bean, median over the rounds. Class loading counts in the step that
 * first needs a class, so a bean that loads a library shared by both variants can differ by what the other
 * variant loaded earlier elsewhere; the totals and the beans only one variant has are the firm part. Keeping the
 * timeline costs time itself, so its totals are above the plain starts'. {@code benchmarks/run.sh} reports it
 * under the startup comparison; to look further, run it by hand on a quiet machine after building as
 * {@code run.sh} does:
 * <pre>
 * java -Dneon.benchmark.root=. -cp "benchmarks/harness/target/classes:$(cat benchmarks/harness/target/classpath.txt)" \
 *   dev.neonstarter.benchmarks.StartupTimeline [--rounds=8] [--variants=starter,hand-assembled] [--top=40]
 *   [--no-timeline]
 * </pre>
 * A variant may carry JVM arguments after {@code |}, for example
 * {@code starter|-Dneon.ssl.verify-on-startup=false}, to see what one piece costs; with more than two variants
 * (or {@code --no-timeline}, which measures without the timeline's own cost) only the ready times are printed,
 * each paired by round with the first variant's, next to the medians of the process's CPU time and classes
 * loaded when ready (on two cores, startup keeps both busy: CPU time says what a piece costs with less noise
 * than wall time, and the JIT compiler's share of it grows with the code a piece runs). Variants are separated
 * by {@code ;} instead of {@code ,} when the list holds a {@code ;}, so that JVM arguments with commas can be
 * given, for example a JFR recording of each:
 * {@code "--variants=starter|-XX:StartFlightRecording=filename=/tmp/starter.jfr,settings=profile;hand-assembled|..."}.
 */
public final class StartupTimeline {

	private StartupTimeline() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = BenchmarkSuite.options(args);
		Set<String> unknown = new TreeSet<>(options.keySet());
		unknown.removeAll(Set.of("rounds", "top", "variants", "no-timeline"));
		if (!unknown.isEmpty()) {
			throw new IllegalArgumentException("Unknown options: " + unknown);
		}
		int rounds = Integer.parseInt(options.getOrDefault("rounds", "8"));
		int top = Integer.parseInt(options.getOrDefault("top", "40"));
		String variantList = options.getOrDefault("variants",
				StartupComparison.STARTER + "," + StartupComparison.HANDWIRED);
		List<String> variants = List.of(variantList.split(variantList.contains(";") ? ";" : ","));
		boolean timeline = !options.containsKey("no-timeline");
		BuildOutputs build = new BuildOutputs(
				Path.of(System.getProperty("neon.benchmark.root", ".")).toAbsolutePath().normalize());
		Measured measured;
		try (NeonTestTopology topology = NeonTestTopology.start()) {
			measured = measure(topology, build, variants, rounds, timeline);
		}
		String first = variants.get(0);
		StartupComparison.Result starts = measured.starts();
		System.out.printf("%n%-60s %8s %8s %8s  %s%n", "variant", "median", "CPU ms", "classes",
				"paired by round with the first [95 % interval]");
		for (String variant : variants) {
			System.out.printf("%-60s %8.0f %8.0f %8.0f  %s%n", variant, starts.median(variant),
					starts.median(variant, StartupComparison.Run::cpuMillis),
					starts.median(variant, StartupComparison.Run::classes), starts.paired(variant, first).describe());
		}
		if (timeline && variants.size() == 2) {
			Breakdown breakdown = new Breakdown(first, variants.get(1), rounds, measured);
			print(breakdown, "by step", breakdown.byStep(), top);
			print(breakdown, "by step and bean", breakdown.byBean(), top);
		}
	}

	/** The timeline of {@code variant} and {@code baseline}, {@code rounds} each, alternating. */
	static Breakdown run(NeonTestTopology topology, BuildOutputs build, String variant, String baseline, int rounds)
			throws IOException, InterruptedException {
		return new Breakdown(variant, baseline, rounds, measure(topology, build, List.of(variant, baseline), rounds,
				true));
	}

	private static Measured measure(NeonTestTopology topology, BuildOutputs build, List<String> variants, int rounds,
			boolean timeline) throws IOException, InterruptedException {
		List<StartupComparison.Run> runs = new ArrayList<>();
		Map<String, List<Map<String, Long>>> selfTimes = new LinkedHashMap<>();
		variants.forEach((variant) -> selfTimes.put(variant, new ArrayList<>()));
		Path file = Files.createTempFile("startup-timeline", ".tsv");
		try {
			List<String> order = new ArrayList<>(variants);
			// One discarded round first: the page cache then holds every classpath.
			for (int round = -1; round < rounds; round++) {
				for (String variant : order) {
					List<String> parts = List.of(variant.split("\\|"));
					List<String> jvmArgs = new ArrayList<>(parts.subList(1, parts.size()));
					if (timeline) {
						jvmArgs.add("-D" + StartupApp.TIMELINE + "=" + file);
					}
					StartupComparison.Run run = StartupComparison.start(topology, build, parts.get(0), round, jvmArgs);
					if (round >= 0) {
						// Under the variant's full name, JVM arguments included, so that variants pair by round.
						runs.add(new StartupComparison.Run(variant, round, run.jvmUptimeMillis(), run.springMillis(),
								run.cpuMillis(), run.classes(), run.beans()));
						if (timeline) {
							selfTimes.get(variant).add(selfTimes(Files.readAllLines(file)));
						}
						System.out.printf("startup timeline %-14s round %d: ready after %d ms%n", variant, round + 1,
								run.jvmUptimeMillis());
					}
				}
				Collections.rotate(order, 1);
			}
			return new Measured(runs, selfTimes);
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	/** Own time in µs per "step-name subject", summed over the steps of one start. */
	private static Map<String, Long> selfTimes(List<String> lines) {
		Map<Long, Long> children = new HashMap<>();
		List<String[]> steps = new ArrayList<>();
		for (String line : lines) {
			String[] fields = line.split("\t", -1);
			steps.add(fields);
			if (!fields[1].equals("null")) {
				children.merge(Long.parseLong(fields[1]), Long.parseLong(fields[4]), Long::sum);
			}
		}
		Map<String, Long> self = new HashMap<>();
		for (String[] step : steps) {
			long own = Long.parseLong(step[4]) - children.getOrDefault(Long.parseLong(step[0]), 0L);
			// A post-processor's subject is its toString(), with an identity hash that differs from JVM to JVM.
			String subject = step[3].replaceAll("@[0-9a-f]+$", "");
			String key = subject.isEmpty() ? step[2] : step[2] + " " + subject;
			self.merge(key, own, Long::sum);
		}
		return self;
	}

	private static void print(Breakdown breakdown, String title, List<Row> rows, int top) {
		System.out.printf("%n%s (own time, ms, median over %d rounds; sum of medians %s %.1f, %s %.1f)%n", title,
				breakdown.rounds(), breakdown.variant(), rows.stream().mapToDouble(Row::variantMillis).sum(),
				breakdown.baseline(), rows.stream().mapToDouble(Row::baselineMillis).sum());
		System.out.printf("%10s %10s %10s  %s%n", breakdown.variant(), breakdown.baseline(), "diff", "step");
		for (Row row : rows.subList(0, Math.min(top, rows.size()))) {
			System.out.printf("%10.1f %10.1f %+10.1f  %s%n", row.variantMillis(), row.baselineMillis(),
					row.variantMillis() - row.baselineMillis(), row.step());
		}
	}

	/**
	 * Every start, under its variant's full name, and, with the timeline, each start's own time per step (µs),
	 * per variant.
	 */
	record Measured(List<StartupComparison.Run> runs, Map<String, List<Map<String, Long>>> selfTimes) {

		StartupComparison.Result starts() {
			return new StartupComparison.Result(this.runs, null);
		}

	}

	/** One step (or step and bean): median own time in each variant, ms. */
	record Row(String step, double variantMillis, double baselineMillis) {

		double difference() {
			return this.variantMillis - this.baselineMillis;
		}

	}

	record Breakdown(String variant, String baseline, int rounds, Measured measured) {

		/** Per kind of step (bean creation, configuration parsing, ...), largest difference first. */
		List<Row> byStep() {
			return rows((key) -> (key.indexOf(' ') < 0) ? key : key.substring(0, key.indexOf(' ')));
		}

		/** Per step and the bean it concerns, largest difference first. */
		List<Row> byBean() {
			return rows(UnaryOperator.identity());
		}

		private List<Row> rows(UnaryOperator<String> group) {
			Map<String, Double> a = medians(this.measured.selfTimes().get(this.variant), group);
			Map<String, Double> b = medians(this.measured.selfTimes().get(this.baseline), group);
			TreeSet<String> keys = new TreeSet<>(a.keySet());
			keys.addAll(b.keySet());
			List<Row> rows = new ArrayList<>();
			for (String key : keys) {
				rows.add(new Row(key, a.getOrDefault(key, 0.0) / 1000, b.getOrDefault(key, 0.0) / 1000));
			}
			rows.sort(Comparator.comparingDouble((Row row) -> -Math.abs(row.difference())));
			return rows;
		}

		double medianUptime(boolean ofVariant) {
			return this.measured.starts().median(ofVariant ? this.variant : this.baseline);
		}

		private static Map<String, Double> medians(List<Map<String, Long>> runs, UnaryOperator<String> group) {
			List<Map<String, Long>> grouped = runs.stream().map((run) -> {
				Map<String, Long> byGroup = new HashMap<>();
				run.forEach((key, value) -> byGroup.merge(group.apply(key), value, Long::sum));
				return byGroup;
			}).toList();
			TreeSet<String> keys = new TreeSet<>();
			grouped.forEach((run) -> keys.addAll(run.keySet()));
			Map<String, Double> medians = new HashMap<>();
			for (String key : keys) {
				medians.put(key, Stats.median(grouped.stream().map((run) -> run.getOrDefault(key, 0L)).toList()));
			}
			return medians;
		}

	}

}
