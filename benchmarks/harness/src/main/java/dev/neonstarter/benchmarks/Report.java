package dev.neonstarter.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.neonstarter.benchmarks.ConnectionStorm.Outcome;

/** {@code RESULTS.md}: the machine, the command, the raw numbers, the ratios and whether the goals were met. */
final class Report {

	/** Section 7's words when the hand-assembled app observed each statement too. */
	private static final String OBSERVED_BASELINE = " **Here the hand-assembled app observes each statement too**"
			+ " (`--handwired-observed`): datasource-micrometer's Spring Boot auto-configuration on its `loader.path`,"
			+ " with `jdbc.includes=QUERY`, one observation per statement as the starter's `neon.queries`; both apps"
			+ " start through Spring Boot's `PropertiesLauncher` for that. This is not the goal's baseline.";

	/** Per operation, the starter may cost at most this fraction of bare HikariCP's throughput. */
	static final double THROUGHPUT_GOAL = 0.97;

	/** The restart ramp: windows of this many ms from PgBouncer serving again, and how many. */
	private static final int RAMP_STEP_MILLIS = 500;

	private static final int RAMP_STEPS = 10;

	private final StringBuilder text = new StringBuilder();

	private Report() {
	}

	static String markdown(BenchmarkSuite.Results results, String plot) {
		Report report = new Report();
		report.header(results, plot);
		report.summary(results);
		report.machine(results);
		if (results.poolOverhead() != null) {
			report.poolOverhead(results.poolOverhead());
		}
		if (results.startup() != null) {
			report.startup(results.startup());
		}
		if (results.load() != null) {
			report.load(results.load());
		}
		if (results.storm() != null) {
			report.storm(results.storm());
		}
		if (results.outage() != null) {
			report.outage(results.outage());
		}
		if (results.aotCache() != null) {
			report.aotCache(results.aotCache());
		}
		if (results.sideBySide() != null) {
			report.sideBySide(results.sideBySide());
		}
		return report.text.toString();
	}

	private void header(BenchmarkSuite.Results results, String plot) {
		line("# Benchmarks: the starter next to plain HikariCP and Spring Boot");
		line();
		line("Written by `%s` on %s in %s%s. Everything ran on this one machine, side by side, so compare numbers"
				+ " within this file only.", results.command(), results.startedAt(), minutes(results.duration()),
				results.quick() ? " — **a `--quick` smoke run: too short to judge the goals by**" : "");
		line("Re-run with `benchmarks/run.sh` (about 36 minutes on 2 cores; `--quick` for a smoke run of a few minutes written to"
				+ " `benchmarks/target/quick/`). Each section below says how its numbers were made; the code is in"
				+ " `benchmarks/harness/src/main/java/dev/neonstarter/benchmarks/`.");
		line();
		line("![results](%s)", plot);
		line();
	}

	private void summary(BenchmarkSuite.Results results) {
		line("## Summary");
		line();
		line("| measurement | result | goal | met |");
		line("|---|---|---|---|");
		if (results.poolOverhead() != null) {
			for (PoolOverhead.Comparison comparison : results.poolOverhead().comparisons()) {
				line("| 1. %s through the pooled DataSource | starter / bare HikariCP throughput = **%.3f ± %.3f** (%+.1f µs per operation) | ≥ %.2f | %s |",
						operationName(comparison.operation()), comparison.ratio(), comparison.ratioError(),
						comparison.addedMicros(), THROUGHPUT_GOAL, throughputVerdict(comparison));
			}
			for (PoolOverhead.Alternating blocks : results.poolOverhead().alternating()) {
				PoolOverhead.Score ratio = blocks.throughputRatio();
				line("| 1. %s: throughput in alternating blocks (one JVM, paired) | starter / bare = **%.3f ± %.3f** | ≥ %.2f | %s |",
						operationName(blocks.operation()), ratio.mean(), ratio.error(), THROUGHPUT_GOAL,
						throughputVerdict(ratio.mean(), ratio.error()));
				line("| 1. %s: CPU time of the calling thread | the starter adds **%+.2f ± %.2f µs** per operation (%.2f vs %.2f µs) | — | — |",
						operationName(blocks.operation()), blocks.addedCpu(), blocks.addedCpuError(),
						blocks.starterCpu().mean(), blocks.bareCpu().mean());
			}
		}
		if (results.startup() != null) {
			StartupComparison.Result startup = results.startup();
			int runs = startup.uptimes(StartupComparison.STARTER).size();
			startupSummary(startup, StartupComparison.STARTER, StartupComparison.HANDWIRED,
					"the starter as shipped vs the hand-assembled equivalent (the goal's baseline)", runs);
			startupSummary(startup, StartupComparison.STARTER, StartupComparison.BOOT,
					"the starter as shipped vs Boot's DataSource + Flyway", runs);
			startupSummary(startup, StartupComparison.STARTER, StartupComparison.ACTUATOR,
					"the starter vs Boot's DataSource + Flyway + Actuator + Prometheus added by hand", runs);
			startupSummary(startup, StartupComparison.LEAN, StartupComparison.BOOT,
					"the starter with Actuator + Prometheus excluded vs Boot's DataSource + Flyway", runs);
		}
		if (results.load() != null) {
			Wrk.Result steady = results.load().steady();
			SampleAppLoad.Restart restart = results.load().restart();
			line("| 3. sample app, %d clients, pool of %d, through PgBouncer | **%.0f requests/s, p99 %.1f ms**, %d errors in %d requests | 0 errors | %s |",
					SampleAppLoad.CONNECTIONS, SampleAppLoad.POOL_SIZE, steady.requestsPerSecond(), steady.latencyMillis("p99"),
					steady.errors(), steady.requests(), (steady.errors() == 0) ? "yes" : "**no**");
			line("| 3. the same load while PostgreSQL restarts once | **%d failed** of %d requests (%d of them other than a 503); recovered %s after the restart began (restart took %d ms) | reported | — |",
					restart.load().errors(), restart.load().requests(), restart.load().errors() - restart.load().statuses().getOrDefault(503, 0L),
					recovery(restart), restart.started() - restart.stopping());
			long afterPgBouncer = restart.recoveryAfterPgBouncerMillis();
			SampleAppLoad.Restart handwired = results.load().handwiredRestart();
			line("| 3. the same restart: full throughput and no failures again after PgBouncer serves again | sample app **%s** (PgBouncer served %d ms after the restart began); the hand-assembled equivalent under the same restart: %s | about 1 s | %s |",
					millisOrNever(afterPgBouncer), restart.pgbouncerServes() - restart.stopping(),
					millisOrNever(handwired.recoveryAfterPgBouncerMillis()),
					(afterPgBouncer >= 0 && afterPgBouncer <= 1200) ? "yes" : "**no**");
		}
		if (results.storm() != null) {
			for (boolean breaker : new boolean[] { true, false }) {
				String waves = results.storm()
					.waves()
					.stream()
					.filter((wave) -> wave.breaker() == breaker)
					.map((wave) -> "wave " + wave.number() + ": median " + Stats.format(Stats.median(wave.waits())) + " ms, max "
							+ Stats.format(Stats.max(wave.waits())) + " ms")
					.collect(Collectors.joining("; "));
				line("| 4. %d callers, pool of 10, endpoint down, breaker **%s** | %s | reported | — |",
						results.storm().settings().callers(), breaker ? "on" : "off", waves);
			}
		}
		if (results.outage() != null) {
			for (LoneCallerOutage.Run run : results.outage().runs()) {
				line("| 5. one caller, %d writes while PostgreSQL is down, %s | %d slower than 2 s (first: %s ms); the others max **%s ms** | ≤ 1 slower than 2 s; the others < 50 ms | %s |",
						LoneCallerOutage.REQUESTS, run.endpoint(), run.slowerThan(2000), Stats.format(run.first().millis()),
						Stats.format(Stats.max(run.restMillis())),
						(run.slowerThan(2000) <= 1 && Stats.max(run.restMillis()) < 50) ? "yes" : "**no**");
				line("| 5. recovery, %s | first write **%d ms** after the endpoint served again (%d ms after PostgreSQL accepted connections) | about 1 s | %s |",
						run.endpoint(), run.afterEndpointMillis(), run.recoveredMillis(),
						(run.afterEndpointMillis() <= 1200) ? "yes" : "**no**");
			}
		}
		if (results.sideBySide() != null) {
			for (SampleAppComparison.EndpointResult endpoint : results.sideBySide().endpoints()) {
				line("| 7. sample app / its hand-assembled equivalent%s, %s, side by side | throughput ratio **%.3f** (median of %d ABBA pairs)%s | ≥ %.2f | %s |",
						results.sideBySide().settings().observedBaseline() ? " observing each statement too" : "",
						endpoint.endpoint().name(), endpoint.medianRatio(), endpoint.pairs().size(),
						intervalText(endpoint.interval()), SampleAppComparison.GOAL, endpoint.verdict());
			}
		}
		AotCacheStartup.Result aot = results.aotCache();
		if (aot != null && aot.skipped() == null) {
			line("| 6. sample app start with the JDK 25 AOT cache vs without (medians) | %s vs %s ms; JDK 17 with CDS vs without: %s vs %s ms | reported | — |",
					Stats.format(aot.median(AotCacheStartup.JDK25_CACHE)), Stats.format(aot.median(AotCacheStartup.JDK25_PLAIN)),
					Stats.format(aot.median(AotCacheStartup.JDK17_CDS)), Stats.format(aot.median(AotCacheStartup.JDK17_PLAIN)));
			List<Long> differences = aot.roundDifferences(AotCacheStartup.JDK17_PLAIN, AotCacheStartup.JDK17_HANDWIRED);
			line("| 6. the sample app (a web application) vs its hand-assembled equivalent, start on JDK 17 (medians of %d) | %s vs %s ms; paired by round %s | reported (the +100 ms goal is measurement 2's) | — |",
					differences.size(), Stats.format(aot.median(AotCacheStartup.JDK17_PLAIN)),
					Stats.format(aot.median(AotCacheStartup.JDK17_HANDWIRED)), pairedDifference(differences));
		}
		line();
	}

	private void machine(BenchmarkSuite.Results results) {
		Machine machine = results.machine();
		line("## Machine and command");
		line();
		line("- command: `%s`%s", results.command(), results.quick() ? " (smoke run)" : "");
		line("- CPUs (`nproc`): %d — %s", machine.cpus(), machine.cpuModel());
		line("- RAM: %s", machine.memory());
		line("- JDK: %s", machine.jdk());
		line("- OS: %s", machine.os());
		line("- %s; %s; %s", machine.postgres(), machine.pgbouncer(), machine.wrk());
		line("- commit: %s", machine.commit());
		line("- load (`uptime`) before: `%s`", results.uptimeBefore());
		line("- load (`uptime`) after: `%s`", results.uptimeAfter());
		line("- time per measurement: %s", results.durations()
			.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + " " + minutes(entry.getValue()))
			.collect(Collectors.joining(", ")));
		line();
		line("Load averages well above 0 mean other processes shared the two cores during the run: every number"
				+ " below is then lower (throughput) or higher (latency, startup) than on a quiet machine, and noisier;"
				+ " the comparisons within a measurement stay fair because both sides ran interleaved.");
		line();
	}

	private void poolOverhead(PoolOverhead.Result result) {
		PoolOverhead.Settings settings = result.settings();
		line("## 1. Per-operation overhead");
		line();
		line("Borrow a connection, run one statement, return it; one thread; through the topology's PgBouncer (TLS,"
				+ " transaction mode) to PostgreSQL, the same for both pools. The insert and the query share one table"
				+ " of %d seeded rows, which the inserts grow; the query reads %d of the seeded rows through an index"
				+ " on `(payload, id)`, as an ORM finder's would, so its plan does not change as the table grows."
				+ " **starter**: `neonPooledDataSource` built by"
				+ " the real auto-configuration in a Spring Boot context (breaker guard on, `neon.queries` timer on a"
				+ " Prometheus registry, slow-query listener, HikariCP meters). **bare**: a `HikariDataSource` with every"
				+ " setting copied from it and nothing else. JMH: %d × %d s warm-up, %d × %d s measured per fork, forks in"
				+ " the order %s; the error is JMH's 99.9 %% confidence half-width over all %d measured iterations, and the"
				+ " ratio's error is propagated from both (relative errors added in quadrature).",
				PoolOverhead.SEED_ROWS, PoolOverheadBenchmark.QUERY_ROWS, settings.warmupIterations(), settings.iterationSeconds(), settings.measurementIterations(),
				settings.iterationSeconds(), settings.quick() ? "bare, starter" : "bare, starter, starter, bare",
				settings.iterationsPerPool());
		line();
		line("| operation | pool | ops/s | ± (99.9 %%) | µs/op |");
		line("|---|---|---|---|---|");
		for (PoolOverhead.Comparison comparison : result.comparisons()) {
			for (String pool : List.of("starter", "bare")) {
				PoolOverhead.Score score = pool.equals("starter") ? comparison.starter() : comparison.bare();
				line("| %s | %s | %.1f | %.1f | %.1f |", operationName(comparison.operation()), pool, score.mean(),
						score.error(), score.microsPerOperation());
			}
		}
		line();
		line("| operation | starter / bare | added per operation | goal ≥ %.2f |", THROUGHPUT_GOAL);
		line("|---|---|---|---|");
		for (PoolOverhead.Comparison comparison : result.comparisons()) {
			line("| %s | %.3f ± %.3f | %+.1f µs | %s |", operationName(comparison.operation()), comparison.ratio(),
					comparison.ratioError(), comparison.addedMicros(), throughputVerdict(comparison));
		}
		line();
		line("Separate JMH forks on two shared cores disagree by several percent (PgBouncer, PostgreSQL and the"
				+ " benchmark thread take turns on them, and other load comes and goes), more than the 3 %% to be"
				+ " resolved. So both pools also run in one JVM in alternating blocks of %d operations (the order"
				+ " within a round alternating too; %d rounds after %d warm-up rounds): each round's two blocks run"
				+ " milliseconds apart under the same conditions, and their time ratio is one measurement of the"
				+ " throughput ratio. The same blocks give the calling thread's CPU time per operation"
				+ " (`ThreadMXBean.getCurrentThreadCpuTime`), which is what the starter adds on the client. ± is the"
				+ " 99.9 %% confidence half-width over rounds (ratio) or blocks (times).", PoolOverhead.BLOCK,
				settings.blocks(), settings.blocks() / 4);
		line();
		line("| operation | throughput starter / bare | goal ≥ %.2f | wall µs/op, starter | wall µs/op, bare | client CPU µs/op, starter | client CPU µs/op, bare | CPU added by the starter | share of a bare operation's wall time |",
				THROUGHPUT_GOAL);
		line("|---|---|---|---|---|---|---|---|---|");
		for (PoolOverhead.Alternating blocks : result.alternating()) {
			PoolOverhead.Score ratio = blocks.throughputRatio();
			line("| %s | **%.3f ± %.3f** | %s | %.1f ± %.1f | %.1f ± %.1f | %.2f ± %.2f | %.2f ± %.2f | **%+.2f ± %.2f µs** | %.1f %% |",
					operationName(blocks.operation()), ratio.mean(), ratio.error(),
					throughputVerdict(ratio.mean(), ratio.error()), blocks.starterWall().mean(),
					blocks.starterWall().error(), blocks.bareWall().mean(), blocks.bareWall().error(),
					blocks.starterCpu().mean(), blocks.starterCpu().error(), blocks.bareCpu().mean(),
					blocks.bareCpu().error(), blocks.addedCpu(), blocks.addedCpuError(),
					100 * blocks.addedCpu() / blocks.bareWall().mean());
		}
		line();
	}

	private void startupSummary(StartupComparison.Result startup, String variant, String baseline, String what,
			int runs) {
		StartupComparison.Paired paired = startup.paired(variant, baseline);
		line("| 2. JVM start to `ApplicationReadyEvent` (medians of %d): %s | %s vs %s ms: **%+.0f ms, × %.3f**; paired by round %s | ≤ +%.0f ms | %s |",
				runs, what, Stats.format(startup.median(variant)), Stats.format(startup.median(baseline)),
				startup.addedMillis(variant, baseline), startup.ratio(variant, baseline), paired.describe(),
				startup.allowedMillis(baseline), paired.verdict());
	}

	private void startup(StartupComparison.Result result) {
		line("## 2. Startup");
		line();
		line("`StartupApp` (a `@SpringBootApplication` with one Flyway migration, no web server) in a fresh JVM per"
				+ " run, on a new database per run so that every run migrates. **%s**: Spring Boot's own DataSource"
				+ " (HikariCP on the PgBouncer endpoint) and Flyway (`spring.flyway.url` on the direct endpoint), both"
				+ " `verify-full`; classpath: `spring-boot-starter-jdbc`, `spring-boot-starter-flyway`, PostgreSQL"
				+ " driver. **%s**: the same with `spring-boot-starter-actuator` and `micrometer-registry-prometheus`"
				+ " added, what an application adds by hand for health probes and Prometheus metrics. **%s**: the"
				+ " same app and database with `neon-spring-boot-starter`'s classpath added and the connection"
				+ " strings in `DATABASE_URL`/`DIRECT_URL` (so also Actuator, Micrometer/Prometheus, Resilience4j's"
				+ " core modules, the TLS check at startup). Passwords reach the JVMs through their environment,"
				+ " never their command line. **%s**: the starter with `spring-boot-starter-actuator` and"
				+ " `micrometer-registry-prometheus` excluded (README, \"What the starter brings, and leaving Actuator out\")."
				+ " **%s**: the same features wired by hand, the goal's baseline (`benchmarks/handwired-app`: Actuator,"
				+ " Prometheus, Resilience4j's circuit breaker and retry with their meters, two HikariCP pools"
				+ " configured from two URLs, Flyway on the direct one through `@FlywayDataSource`). %d rounds"
				+ " after one discarded run of each; the order of the variants rotates from round to round. Time = JVM"
				+ " uptime when `ApplicationReadyEvent` fires (so JVM start and class loading count). Process CPU"
				+ " time, classes loaded and bean definitions at that moment say where the time goes, and vary less"
				+ " with other load than wall time.", StartupComparison.BOOT, StartupComparison.ACTUATOR,
				StartupComparison.STARTER, StartupComparison.LEAN, StartupComparison.HANDWIRED,
				result.uptimes(StartupComparison.BOOT).size());
		line();
		line("| variant | runs, ms (in order) | median | min | max | `SpringApplication.run` | process CPU ms | classes loaded | beans |");
		line("|---|---|---|---|---|---|---|---|---|");
		for (String variant : StartupComparison.VARIANTS) {
			List<Long> uptimes = result.uptimes(variant);
			line("| %s | %s | **%s** | %s | %s | %s | %s | %s | %s |", variant,
					uptimes.stream().map(String::valueOf).collect(Collectors.joining(", ")), Stats.format(Stats.median(uptimes)),
					Stats.format(Stats.min(uptimes)), Stats.format(Stats.max(uptimes)),
					Stats.format(result.median(variant, StartupComparison.Run::springMillis)),
					Stats.format(result.median(variant, StartupComparison.Run::cpuMillis)),
					Stats.format(result.median(variant, StartupComparison.Run::classes)),
					Stats.format(result.median(variant, StartupComparison.Run::beans)));
		}
		line();
		line("Every column after the runs is a median over the runs. Allowed: +%.0f ms over `%s` (the goal), and"
				+ " for the other baselines, kept so the history stays comparable, the larger of 10 %% and 150 ms. Paired: in each round the two variants start seconds apart, so the round's difference"
				+ " is freer of the machine's drift than a difference of medians; shown is the median of the %d"
				+ " round differences with a distribution-free interval for it (order statistics; the coverage, at"
				+ " least 95 %%, depends on the number of rounds). Goal met: **yes**/**no** when the whole interval is"
				+ " on one side of the allowance; otherwise which way the median leans, with the noise leaving it open.",
				StartupComparison.HANDWIRED_ALLOWANCE_MILLIS, StartupComparison.HANDWIRED,
				result.uptimes(StartupComparison.BOOT).size());
		line();
		line("| comparison | added (medians) | × | added, paired by round [interval] | allowed | goal met |");
		line("|---|---|---|---|---|---|");
		startupComparison(result, StartupComparison.STARTER, StartupComparison.HANDWIRED);
		startupComparison(result, StartupComparison.HANDWIRED, StartupComparison.BOOT);
		startupComparison(result, StartupComparison.STARTER, StartupComparison.BOOT);
		startupComparison(result, StartupComparison.ACTUATOR, StartupComparison.BOOT);
		startupComparison(result, StartupComparison.STARTER, StartupComparison.ACTUATOR);
		startupComparison(result, StartupComparison.LEAN, StartupComparison.BOOT);
		line();
		line("`%s` − `%s` is Spring Boot's own Actuator, Micrometer and Prometheus auto-configuration (endpoints, JVM"
				+ " and system meters, the endpoint JSON mapper), paid by any application that has them. The starter"
				+ " brings them because its health probes and metrics are part of what one dependency gives; an"
				+ " application that has them anyway pays `%s` − `%s`, and one that does not want them excludes them"
				+ " and pays `%s` − `%s`.", StartupComparison.ACTUATOR, StartupComparison.BOOT, StartupComparison.STARTER,
				StartupComparison.ACTUATOR, StartupComparison.LEAN, StartupComparison.BOOT);
		line();
		if (result.timeline() != null) {
			startupTimeline(result.timeline());
		}
	}

	private void startupTimeline(StartupTimeline.Breakdown timeline) {
		line("### Where the starter's startup time goes");
		line();
		List<StartupTimeline.Row> byStep = timeline.byStep();
		List<StartupTimeline.Row> byBean = timeline.byBean();
		double stepsVariant = byStep.stream().mapToDouble(StartupTimeline.Row::variantMillis).sum();
		double stepsBaseline = byStep.stream().mapToDouble(StartupTimeline.Row::baselineMillis).sum();
		double onlyVariant = byBean.stream().filter((row) -> row.baselineMillis() == 0)
			.mapToDouble(StartupTimeline.Row::variantMillis).sum();
		double onlyBaseline = byBean.stream().filter((row) -> row.variantMillis() == 0)
			.mapToDouble(StartupTimeline.Row::baselineMillis).sum();
		line("Spring's startup timeline (`BufferingApplicationStartup`, `benchmarks/harness/.../StartupTimeline.java`),"
				+ " more starts (%d of each of `%s` and `%s`, alternating): each step's own time (its duration less its"
				+ " children's), median over the starts. Class loading counts in the step that first needs a class,"
				+ " so a bean that loads a library both variants share can differ by what the other variant loaded"
				+ " earlier elsewhere; the sums are the firm part. Keeping the timeline costs time itself: ready after"
				+ " %s vs %s ms (medians) here. Steps in all: **%.0f vs %.0f ms (%+.0f ms)**; the rest of the"
				+ " difference is outside Spring's steps (JVM start, opening the jars, loading classes before the"
				+ " context exists). Beans only `%s` has: %.0f ms of own time; beans only `%s` has: %.0f ms.",
				timeline.rounds(), timeline.variant(), timeline.baseline(),
				Stats.format(timeline.medianUptime(true)), Stats.format(timeline.medianUptime(false)), stepsVariant,
				stepsBaseline, stepsVariant - stepsBaseline, timeline.variant(), onlyVariant, timeline.baseline(),
				onlyBaseline);
		line();
		line("| step | %s ms | %s ms | difference |", timeline.variant(), timeline.baseline());
		line("|---|---|---|---|");
		byStep.stream().filter((row) -> Math.abs(row.difference()) >= 1).forEach((row) -> line("| `%s` | %.1f | %.1f | %+.1f |",
				row.step(), row.variantMillis(), row.baselineMillis(), row.difference()));
		line();
		line("The 20 steps and beans that differ most:");
		line();
		line("| step and bean | %s ms | %s ms | difference |", timeline.variant(), timeline.baseline());
		line("|---|---|---|---|");
		byBean.stream().limit(20).forEach((row) -> line("| `%s` | %.1f | %.1f | %+.1f |",
				row.step().replace("|", "\\|"), row.variantMillis(), row.baselineMillis(), row.difference()));
		line();
	}

	private void startupComparison(StartupComparison.Result result, String variant, String baseline) {
		StartupComparison.Paired paired = result.paired(variant, baseline);
		line("| `%s` − `%s` | %+.0f ms | %.3f | %s | +%.0f ms | %s |", variant, baseline,
				result.addedMillis(variant, baseline), result.ratio(variant, baseline), paired.describe(),
				result.allowedMillis(baseline),
				(variant.equals(StartupComparison.ACTUATOR) || variant.equals(StartupComparison.HANDWIRED))
						? "— (not the starter)" : paired.verdict());
	}

	private static String intervalText(Stats.Interval interval) {
		return (interval != null) ? String.format(" [%.3f, %.3f]", interval.low(), interval.high()) : "";
	}

	private void sideBySide(SampleAppComparison.Result result) {
		line("## 7. The sample app next to its hand-assembled equivalent");
		line();
		line("The sample app's jar (`prod` profile, the starter) and `benchmarks/handwired-sample` (the same notes API"
				+ " and statements on two hand-made HikariCP pools, a Resilience4j retry and breaker around each call,"
				+ " Actuator and Prometheus: `benchmarks/handwired-app`'s configuration) run at the same time, each on"
				+ " its own database of the topology with %d seeded notes and a pool of %d. wrk (%d connections, or %d for"
				+ " measurement 3's mix; %d threads) loads one at a time, %d s per run, in ABBA order (BAAB every other pair), after"
				+ " warm-up rounds of %d s each, in turn, until both apps' rates change by at most %.0f %% from one round"
				+ " to the next (at least %d rounds, at most %d; the rounds it took are in the table). A pair's ratio is"
				+ " the starter's mean requests per second over the hand-assembled app's.%s",
				SampleAppLoad.SEEDED_NOTES, SampleAppLoad.POOL_SIZE, SampleAppComparison.CONNECTIONS,
				SampleAppLoad.CONNECTIONS, Wrk.THREADS, result.settings().runSeconds(), result.settings().warmupSeconds(),
				result.settings().steadyWithin() * 100, result.settings().warmupRounds(),
				result.settings().maxWarmupRounds(), result.settings().observedBaseline() ? OBSERVED_BASELINE : "");
		line();
		line("| endpoint | warm-up rounds | pairs: starter / hand-assembled requests/s | ratio per pair | median ratio [95 %% interval] | failed responses | goal ≥ %.2f |",
				SampleAppComparison.GOAL);
		line("|---|---|---|---|---|---|---|");
		for (SampleAppComparison.EndpointResult endpoint : result.endpoints()) {
			line("| %s | %d | %s | %s | **%.3f**%s | %d | %s |", (endpoint.endpoint().path() != null)
					? "`" + endpoint.endpoint().path() + "`" : endpoint.endpoint().name(), endpoint.warmupRounds(),
					endpoint.pairs().stream().map((pair) -> String.format("%.0f / %.0f", pair.starter(), pair.handwired()))
						.collect(Collectors.joining(", ")),
					endpoint.ratios().stream().map((ratio) -> String.format("%.3f", ratio)).collect(Collectors.joining(", ")),
					endpoint.medianRatio(), intervalText(endpoint.interval()), endpoint.errors(), endpoint.verdict());
		}
		line();
	}

	private void aotCache(AotCacheStartup.Result result) {
		line("## 6. The sample app's start: the JDK's AOT cache, class data sharing, and the hand-assembled equivalent");
		line();
		if (result.skipped() != null) {
			line("Not measured: %s.", result.skipped());
			line();
			return;
		}
		line("The sample app's jar, extracted (`java -Djarmode=tools -jar app.jar extract`), started with the `prod`"
				+ " profile on the test topology (a new database per start, so each migrates) until Spring Boot logs"
				+ " `Started … (process running for …)`. **%s**: JDK 25 as is; **%s**: JDK 25 with the AOT cache"
				+ " (`-XX:AOTCacheOutput` in a training run, then `-XX:AOTCache`); **%s** and **%s**: the same on JDK 17"
				+ " with class data sharing (`-XX:ArchiveClassesAtExit`, then `-XX:SharedArchiveFile`). Training runs are"
				+ " Spring Boot's (`-Dspring.context.exit=onRefresh`) in the app's default `dev` profile, on its embedded"
				+ " PostgreSQL: they reach no real database. %d rounds after one discarded start of each, the order"
				+ " rotating from round to round. **%s**: `benchmarks/handwired-sample` (the same notes API and"
				+ " migrations on `benchmarks/handwired-app`'s hand-made pools, retry and breaker, with Actuator and"
				+ " Prometheus), extracted the same way and started in the same rounds on JDK 17 as is, so that"
				+ " `%s` − `%s` is the starter's cost in a web application's start (the sample app's jar also carries"
				+ " the embedded PostgreSQL of its `dev` profile, not started here).", AotCacheStartup.JDK25_PLAIN,
				AotCacheStartup.JDK25_CACHE, AotCacheStartup.JDK17_PLAIN, AotCacheStartup.JDK17_CDS,
				result.uptimes(AotCacheStartup.JDK25_PLAIN).size(), AotCacheStartup.JDK17_HANDWIRED,
				AotCacheStartup.JDK17_PLAIN, AotCacheStartup.JDK17_HANDWIRED);
		line();
		line("| variant | starts, ms (in order) | median | training run |");
		line("|---|---|---|---|");
		for (String variant : List.of(AotCacheStartup.JDK25_PLAIN, AotCacheStartup.JDK25_CACHE, AotCacheStartup.JDK17_PLAIN,
				AotCacheStartup.JDK17_CDS, AotCacheStartup.JDK17_HANDWIRED)) {
			List<Long> uptimes = result.uptimes(variant);
			Long training = result.trainingMillis().get(variant);
			line("| %s | %s | **%s** | %s |", variant, uptimes.stream().map(String::valueOf).collect(Collectors.joining(", ")),
					Stats.format(Stats.median(uptimes)), (training != null) ? training + " ms" : "—");
		}
		line();
		for (String[] pair : new String[][] { { AotCacheStartup.JDK25_CACHE, AotCacheStartup.JDK25_PLAIN },
				{ AotCacheStartup.JDK17_CDS, AotCacheStartup.JDK17_PLAIN },
				{ AotCacheStartup.JDK17_PLAIN, AotCacheStartup.JDK17_HANDWIRED } }) {
			line("- `%s` − `%s`, paired by round: %s (%.0f %%).", pair[0], pair[1],
					pairedDifference(result.roundDifferences(pair[0], pair[1])),
					100 * (result.median(pair[0]) - result.median(pair[1])) / result.median(pair[1]));
		}
		line();
	}

	/** The median of the round differences, bold, with its 95 % interval when there are rounds enough. */
	private static String pairedDifference(List<Long> differences) {
		Stats.Interval interval = Stats.medianInterval(differences, 0.95);
		return String.format("**%+.0f ms**%s", Stats.median(differences),
				(interval != null) ? String.format(" [%+.0f, %+.0f]", interval.low(), interval.high()) : "");
	}

	private void load(SampleAppLoad.Result result) {
		SampleAppLoad.Settings settings = result.settings();
		Wrk.Result steady = result.steady();
		SampleAppLoad.Restart restart = result.restart();
		line("## 3. The sample app under load");
		line();
		line("The sample app's executable jar (`--spring.profiles.active=prod`, `-Xmx1g`, Tomcat's default 200"
				+ " threads) in its own JVM, `DATABASE_URL` on the topology's PgBouncer (TLS, transaction mode, %d server"
				+ " connections, Neon's `query_wait_timeout` of 120 s), pool `neon-pooled` of %d (checked on"
				+ " `/actuator/prometheus`). wrk (%d threads, %d connections, 30 s timeout) on loopback with"
				+ " `notes.lua`: 4 × `GET /api/notes/{id}` of %d seeded notes for each `POST /api/notes` (`GET"
				+ " /api/notes` lists every note, and the table grows under load, so it is not part of the mix). %d s"
				+ " warm-up (not counted), then %d s measured. wrk, the app, PgBouncer and PostgreSQL share the two"
				+ " cores.", BenchmarkSuite.PGBOUNCER_SERVER_POOL, SampleAppLoad.POOL_SIZE, Wrk.THREADS,
				SampleAppLoad.CONNECTIONS, SampleAppLoad.SEEDED_NOTES, settings.warmupSeconds(), settings.steadySeconds());
		line();
		line("| run | requests | requests/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | failed responses | socket errors |");
		line("|---|---|---|---|---|---|---|---|---|---|");
		loadRow("steady", steady);
		loadRow("PostgreSQL restart", restart.load());
		line();
		line("Restart: %d s into a %d s run, `PostgresServer.stop()` (fast shutdown: sessions terminated) then"
				+ " `start()` on the same port and data; PostgreSQL was gone for **%d ms** (stop %d ms, start %d ms)."
				+ " The app runs with the starter's defaults (HikariCP connection timeout 15 s, the `neon` breaker;"
				+ " every endpoint goes through `NeonOperations`, which retries transient failures; a connection-level"
				+ " failure that outlasts the retries, or an open breaker, is answered 503 + `Retry-After` at once)."
				+ " PgBouncer holds queries while it has no server connection (up to `query_wait_timeout`), and when"
				+ " an attempt to connect to PostgreSQL failed it waits `server_login_retry` (15 s, PgBouncer's default,"
				+ " unchanged here) before the next: whether it tried while PostgreSQL was down decides between a"
				+ " sub-second dip and a stall of about 15 s, at the end of which the requests queued for a pool"
				+ " connection time out (HikariCP's 15 s).",
				settings.restartAtSecond(), settings.restartRunSeconds(), restart.started() - restart.stopping(),
				restart.stopped() - restart.stopping(), restart.started() - restart.stopped());
		line();
		line("- failed requests: **%d** (%s; socket errors %d)", restart.load().errors(),
				failedStatuses(restart.load()),
				restart.load().socketErrors());
		line("- last failed response: %s after the restart began", (restart.lastFailureMillis() > 0)
				? restart.lastFailureMillis() + " ms" : "none");
		line("- longest time without a successful response: %d ms", restart.longestStallMillis());
		line("- successful responses back to 90 %% of the rate before (%.0f/s): %s after the restart began",
				restart.throughputBefore(), (restart.throughputBackMillis() < 0) ? "not within the run"
						: restart.throughputBackMillis() + " ms");
		line("- PgBouncer served a plain client's query again (a query waiting in its queue from the moment"
				+ " PostgreSQL accepted connections): %d ms after the restart began", restart.pgbouncerServes() - restart.stopping());
		line("- **time to recovery** (no more failures and full throughput): %s after the restart began, %s after"
				+ " PostgreSQL accepted connections again, **%s after PgBouncer served again** (goal: about 1 s)",
				recovery(restart),
				(restart.recoveryMillis() < 0) ? "-" : Math.max(0, restart.recoveryMillis() - (restart.started() - restart.stopping())) + " ms",
				(restart.recoveryAfterPgBouncerMillis() < 0) ? "-" : restart.recoveryAfterPgBouncerMillis() + " ms");
		line("- responses by status over the run: %s", String.join(", ", restart.load().statusSummary()));
		line();
		SampleAppLoad.Restart handwired = result.handwiredRestart();
		line("Successful responses per second in each %d ms from the moment PgBouncer served again (the rate"
				+ " before the restart: the sample app %.0f/s, the hand-assembled app %.0f/s; over the run's last 10 s,"
				+ " long after the restart: %.0f/s and %.0f/s):", RAMP_STEP_MILLIS, restart.throughputBefore(),
				handwired.throughputBefore(), restart.throughputAtEnd(), handwired.throughputAtEnd());
		line();
		line("| app | %s |", IntStream.range(0, RAMP_STEPS)
			.mapToObj((step) -> "+" + step * RAMP_STEP_MILLIS + " ms")
			.collect(Collectors.joining(" | ")));
		line("|---|%s", "---|".repeat(RAMP_STEPS));
		line("| sample app | %s |", joinRates(restart.successRatesAfterPgBouncer(RAMP_STEP_MILLIS, RAMP_STEPS)));
		line("| hand-assembled | %s |", joinRates(handwired.successRatesAfterPgBouncer(RAMP_STEP_MILLIS, RAMP_STEPS)));
		line("| sample app: JIT compiler threads, CPU ms/s | %s |", joinRates(restart.cpuAfterPgBouncer(true, RAMP_STEP_MILLIS, RAMP_STEPS)));
		line("| hand-assembled: JIT compiler threads, CPU ms/s | %s |", joinRates(handwired.cpuAfterPgBouncer(true, RAMP_STEP_MILLIS, RAMP_STEPS)));
		line("| sample app: whole JVM, CPU ms/s | %s |", joinRates(restart.cpuAfterPgBouncer(false, RAMP_STEP_MILLIS, RAMP_STEPS)));
		line("| hand-assembled: whole JVM, CPU ms/s | %s |", joinRates(handwired.cpuAfterPgBouncer(false, RAMP_STEP_MILLIS, RAMP_STEPS)));
		line();
		line("CPU time from `/proc` (each app's JIT compiler threads, `C1`/`C2 CompilerThread*`, and all its threads;"
				+ " %d cores, so at most %d ms/s): under the load before the restart, the JIT used %s ms/s in the"
				+ " sample app and %s ms/s in the hand-assembled app, the whole JVM %s and %s ms/s. What the JIT"
				+ " takes of the cores, the requests do not get.",
				Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors() * 1000,
				cpuOrUnknown(restart.cpuBefore(true)), cpuOrUnknown(handwired.cpuBefore(true)),
				cpuOrUnknown(restart.cpuBefore(false)), cpuOrUnknown(handwired.cpuBefore(false)));
		line();
		line("The same restart under `benchmarks/handwired-sample` (the same notes API on hand-made HikariCP pools,"
				+ " retry and breaker; same heap, pool of %d, same warm-up and steady run first), as a reference for"
				+ " what the pool, PgBouncer and PostgreSQL need anyway before they serve at full rate again: PgBouncer"
				+ " served again %d ms after the restart began; %d failed requests (%s; socket errors %d); full"
				+ " throughput and no failures %s after the restart began, **%s after PgBouncer served again**.",
				SampleAppLoad.POOL_SIZE, handwired.pgbouncerServes() - handwired.stopping(), handwired.load().errors(),
				failedStatuses(handwired.load()),
				handwired.load().socketErrors(), recovery(handwired), millisOrNever(handwired.recoveryAfterPgBouncerMillis()));
		line();
	}

	private void loadRow(String name, Wrk.Result result) {
		line("| %s | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d |", name, result.requests(),
				result.requestsPerSecond(), result.latencyMillis("p50"), result.latencyMillis("p90"),
				result.latencyMillis("p99"), result.latencyMillis("p99.9"), result.latencyMillis("max"),
				result.failedResponses(), result.socketErrors());
	}

	private void storm(ConnectionStorm.Result result) {
		line("## 4. Connection storm");
		line();
		line("The starter's pooled DataSource (pool of 10, connection timeout %d ms) in a Spring Boot context, with"
				+ " its fail-fast on (the defaults: the endpoint monitor, which takes the endpoint down at the first"
				+ " failed connection attempt and releases the callers waiting in HikariCP's queue, and the `neon`"
				+ " breaker it forces open) and off (`neon.monitor.enabled=false`, `neon.resilience.fail-fast=false`:"
				+ " HikariCP alone). Just before the outage 100 concurrent callers used the pool (so it holds"
				+ " connections used a moment ago, and the breaker has 100 successes in its window). Then the pooled"
				+ " endpoint goes down (PgBouncer stopped: open connections reset, new ones refused) and %d platform"
				+ " threads, released together, each borrow a connection and run `SELECT 1`; wave 2 is the same again"
				+ " as soon as wave 1 has ended (clients retrying). Wait = from the call to `getConnection()` until the"
				+ " statement ran or an exception reached the caller.", result.settings().connectionTimeoutMillis(),
				result.settings().callers());
		line();
		line("| breaker | wave | pool connections at release | median ms | p99 ms | max ms | %s |",
				List.of(Outcome.values()).stream().map((outcome) -> outcome.label).collect(Collectors.joining(" | ")));
		line("|---|---|---|---|---|---|---|---|---|---|");
		for (ConnectionStorm.Wave wave : result.waves()) {
			Map<Outcome, Long> outcomes = wave.outcomes();
			line("| %s | %d | %d | %s | %s | %s | %s |", wave.breaker() ? "on" : "off", wave.number(), wave.connections(),
					Stats.format(Stats.median(wave.waits())), Stats.format(Stats.percentile(wave.waits(), 99)),
					Stats.format(Stats.max(wave.waits())), List.of(Outcome.values())
						.stream()
						.map((outcome) -> String.valueOf(outcomes.getOrDefault(outcome, 0L)))
						.collect(Collectors.joining(" | ")));
		}
		line();
	}

	private static String throughputVerdict(PoolOverhead.Comparison comparison) {
		return throughputVerdict(comparison.ratio(), comparison.ratioError());
	}

	private static String throughputVerdict(double ratio, double error) {
		if (ratio - error >= THROUGHPUT_GOAL) {
			return "**yes**";
		}
		if (ratio >= THROUGHPUT_GOAL) {
			return "yes by the mean, not beyond the error";
		}
		return (ratio + error >= THROUGHPUT_GOAL) ? "**no** by the mean, within the error" : "**no**";
	}

	private static String millisOrNever(long millis) {
		return (millis < 0) ? "not within the run" : millis + " ms";
	}

	private static String cpuOrUnknown(long millisPerSecond) {
		return (millisPerSecond < 0) ? "unknown" : Long.toString(millisPerSecond);
	}

	private static String joinRates(List<Long> rates) {
		return rates.stream().map(String::valueOf).collect(Collectors.joining(" | "));
	}

	/** The responses that were not 2xx or 3xx, as "count x status". */
	private static String failedStatuses(Wrk.Result result) {
		return result.statusSummary().stream().filter((s) -> !s.matches(".* x [23]\\d\\d")).collect(Collectors.joining(", "));
	}

	private static String recovery(SampleAppLoad.Restart restart) {
		return (restart.recoveryMillis() < 0) ? "not within the run" : restart.recoveryMillis() + " ms";
	}

	private static String operationName(String operation) {
		return switch (operation) {
			case "select1" -> "borrow + `SELECT 1` + return";
			case "insert" -> "borrow + one-row `INSERT` + return";
			default -> "borrow + an ORM-shaped query (4 bind parameters, " + PoolOverheadBenchmark.QUERY_ROWS
					+ " rows) + return";
		};
	}

	private static String minutes(Duration duration) {
		return String.format("%d min %02d s", duration.toMinutes(), duration.toSecondsPart());
	}

	private void outage(LoneCallerOutage.Result result) {
		line("## 5. One caller during an outage");
		line();
		line("The starter's pooled DataSource with its defaults (endpoint monitor, `neon` breaker, connection timeout"
				+ " 15 s) in a Spring Boot context, and Neon's pooler settings (PgBouncer `query_wait_timeout` 120 s,"
				+ " `server_login_retry` 15 s). One caller writes (`INSERT`, no retry) once before PostgreSQL stops,"
				+ " %d times one after another while it is stopped, then again every 10 ms from the moment it accepts"
				+ " connections until a write is acknowledged. `direct`: the pooled URL on PostgreSQL itself (a"
				+ " non-pooled endpoint); `pgbouncer`: through PgBouncer, whose recovery is also timed from the moment"
				+ " a plain client's query through it succeeds again (after its `server_login_retry`).",
				LoneCallerOutage.REQUESTS);
		line();
		line("| endpoint | first write ms (outcome) | writes 2-%d median ms | max ms | NeonUnavailableException | slower than 2 s | recovered after PostgreSQL ms | after the endpoint served again ms |",
				LoneCallerOutage.REQUESTS);
		line("|---|---|---|---|---|---|---|---|");
		for (LoneCallerOutage.Run run : result.runs()) {
			line("| %s | %s (%s) | %s | %s | %d of %d | %d | %d | %d |", run.endpoint(), Stats.format(run.first().millis()),
					run.first().outcome(), Stats.format(Stats.median(run.restMillis())),
					Stats.format(Stats.max(run.restMillis())), run.unavailable(), run.attempts().size(),
					run.slowerThan(2000), run.recoveredMillis(), run.afterEndpointMillis());
		}
		line();
	}

	private void line(String format, Object... args) {
		this.text.append(String.format(format, args)).append('\n');
	}

	private void line() {
		this.text.append('\n');
	}

}
