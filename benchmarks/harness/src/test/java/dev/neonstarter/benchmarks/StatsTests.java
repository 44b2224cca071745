package dev.neonstarter.benchmarks;

import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The order statistics the startup comparison reports, and its verdict.
 */
class StatsTests {

	@Test
	void medianIntervalOfFifteenIsTheFourthToTheTwelfthValue() {
		// P(X <= 3) = 576/32768 for X ~ Binomial(15, 1/2): coverage 1 - 2 * 0.01758 = 0.9648.
		List<Long> shuffled = List.of(9L, 3L, 15L, 1L, 12L, 7L, 4L, 14L, 2L, 11L, 6L, 13L, 8L, 5L, 10L);
		Stats.Interval interval = Stats.medianInterval(shuffled, 0.95);
		assertThat(interval.low()).isEqualTo(4);
		assertThat(interval.high()).isEqualTo(12);
		assertThat(interval.coverage()).isCloseTo(1 - 2 * 576.0 / 32768, within(1e-12));
	}

	@Test
	void sixValuesAreTheFewestWithAnInterval() {
		assertThat(Stats.medianInterval(LongStream.rangeClosed(1, 5).boxed().toList(), 0.95)).isNull();
		// With six, only the extremes: coverage 1 - 2/64.
		assertThat(Stats.medianInterval(LongStream.rangeClosed(1, 6).boxed().toList(), 0.95))
			.isEqualTo(new Stats.Interval(1, 6, 1 - 2.0 / 64));
	}

	@Test
	void verdictIsOnlyDefiniteWhenTheWholeIntervalIsOnOneSide() {
		assertThat(new StartupComparison.Paired(200, new Stats.Interval(150, 220, 0.96), 234).verdict()).isEqualTo("**yes**");
		assertThat(new StartupComparison.Paired(300, new Stats.Interval(240, 360, 0.96), 234).verdict()).isEqualTo("**no**");
		assertThat(new StartupComparison.Paired(220, new Stats.Interval(180, 260, 0.96), 234).verdict())
			.isEqualTo("yes by the median, not beyond the noise");
		assertThat(new StartupComparison.Paired(250, new Stats.Interval(200, 290, 0.96), 234).verdict())
			.isEqualTo("no by the median, not beyond the noise");
		assertThat(new StartupComparison.Paired(100, null, 234).verdict()).isEqualTo("yes by the median, not beyond the noise");
	}

}
