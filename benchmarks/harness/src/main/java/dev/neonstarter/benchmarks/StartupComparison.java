package dev.neonstarter.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import dev.neonstarter.benchmarks.startup.StartupApp;
import dev.neonstarter.testsupport.NeonTestTopology;

/**
 * Measurement 2: the time to {@code ApplicationReadyEvent} of {@link StartupApp} in fresh JVMs, each run on a
 * new database so that every run migrates. Variants: Spring Boot's own DataSource + Flyway auto-configuration
 * ({@value #BOOT}, the baseline), the same with Actuator and the Prometheus registry added by hand
 * ({@value #ACTUATOR}: what an application pays for health probes and metrics without the starter), the Neon
 * starter as shipped ({@value #STARTER}), and the starter with Actuator and the Prometheus registry excluded
 * ({@value #LEAN}), and the hand-assembled equivalent ({@value #HANDWIRED}: what a user writes to get the
 * starter's features without it, the baseline of the starter's own cost). The order of the variants rotates from
 * round to round.
 */
final class StartupComparison {

	static final String BOOT = "boot";

	static final String ACTUATOR = "boot+actuator";

	static final String STARTER = "starter";

	static final String LEAN = "starter-no-actuator";

	static final String HANDWIRED = "hand-assembled";

	static final List<String> VARIANTS = List.of(BOOT, ACTUATOR, STARTER, LEAN, HANDWIRED);

	/** The goal against the hand-assembled equivalent: the starter adds at most this, paired median. */
	static final double HANDWIRED_ALLOWANCE_MILLIS = 100;

	private StartupComparison() {
	}

	/**
	 * The starts of every variant, {@code rounds} each, then the startup timeline of the starter and the
	 * hand-assembled equivalent ({@code timelineRounds} each; none with 0).
	 */
	static Result run(NeonTestTopology topology, BuildOutputs build, int rounds, int timelineRounds)
			throws IOException, InterruptedException {
		List<Run> runs = new ArrayList<>();
		List<String> order = new ArrayList<>(VARIANTS);
		// One discarded start of each first: the page cache then holds every classpath.
		for (String variant : order) {
			start(topology, build, variant, -1, List.of());
		}
		for (int i = 0; i < rounds; i++) {
			for (String variant : order) {
				Run run = start(topology, build, variant, i, List.of());
				System.out.printf("startup %-12s run %2d: ready after %d ms (JVM uptime), %d ms CPU, %d classes, %d beans%n",
						variant, i + 1, run.jvmUptimeMillis(), run.cpuMillis(), run.classes(), run.beans());
				runs.add(run);
			}
			Collections.rotate(order, 1);
		}
		StartupTimeline.Breakdown timeline = (timelineRounds > 0)
				? StartupTimeline.run(topology, build, STARTER, HANDWIRED, timelineRounds) : null;
		return new Result(runs, timeline);
	}

	static Run start(NeonTestTopology topology, BuildOutputs build, String variant, int index, List<String> jvmArgs)
			throws IOException, InterruptedException {
		String database = topology.createDatabase();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmArgs);
		command.addAll(List.of("-cp", classpath(build, variant), StartupApp.class.getName(),
				"--spring.main.banner-mode=off"));
		// Passwords go in the environment, not on the command line (see BenchmarkDatabase.passConnectionStrings).
		ProcessBuilder builder = new ProcessBuilder().redirectErrorStream(true);
		if (variant.equals(STARTER) || variant.equals(LEAN)) {
			BenchmarkDatabase benchmarkDatabase = BenchmarkDatabase.of(topology, database);
			benchmarkDatabase.starterSettings().forEach((property) -> command.add("--" + property));
			benchmarkDatabase.passConnectionStrings(builder);
		}
		else if (variant.equals(HANDWIRED)) {
			BenchmarkDatabase.handwired(topology, database, command, builder);
		}
		else {
			String tls = "sslmode=verify-full&sslrootcert=" + topology.certificates().caCertificate().toAbsolutePath();
			// What a Spring Boot user on Neon writes by hand: the pooler for the application, the direct
			// endpoint for Flyway.
			command.add("--spring.datasource.url=jdbc:postgresql://localhost:" + topology.pgbouncer().port() + "/"
					+ database + "?" + tls + "&prepareThreshold=0");
			command.add("--spring.datasource.username=" + NeonTestTopology.APP_USER);
			builder.environment().put("SPRING_DATASOURCE_PASSWORD", NeonTestTopology.APP_PASSWORD);
			command.add("--spring.flyway.url=jdbc:postgresql://localhost:" + topology.postgres().port() + "/" + database
					+ "?" + tls);
			command.add("--spring.flyway.user=" + NeonTestTopology.APP_USER);
			builder.environment().put("SPRING_FLYWAY_PASSWORD", NeonTestTopology.APP_PASSWORD);
		}
		Process process = builder.command(command).start();
		Deque<String> tail = new ArrayDeque<>();
		String ready = null;
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = output.readLine(); line != null; line = output.readLine()) {
				if (line.startsWith(StartupApp.READY)) {
					ready = line;
				}
				tail.addLast(line);
				if (tail.size() > 40) {
					tail.removeFirst();
				}
			}
		}
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
		}
		if (ready == null || process.exitValue() != 0) {
			throw new IllegalStateException("The " + variant + " startup app did not become ready:\n" + String.join("\n", tail));
		}
		String[] fields = ready.split(" ");
		return new Run(variant, index, Long.parseLong(fields[1]), Long.parseLong(fields[2]), Long.parseLong(fields[3]),
				Long.parseLong(fields[4]), Long.parseLong(fields[5]));
	}

	private static String classpath(BuildOutputs build, String variant) {
		return switch (variant) {
			case BOOT -> build.bootOnlyClasspath();
			case ACTUATOR -> build.withActuatorClasspath();
			case STARTER -> build.withStarterClasspath();
			case LEAN -> build.withStarterWithoutActuatorClasspath();
			case HANDWIRED -> build.handwiredClasspath();
			default -> throw new IllegalArgumentException(variant);
		};
	}

	/**
	 * One start: JVM uptime at {@code ApplicationReadyEvent}, the event's own time taken by {@code run}, the
	 * process's CPU time, classes loaded and bean definitions at that moment.
	 */
	record Run(String variant, int index, long jvmUptimeMillis, long springMillis, long cpuMillis, long classes,
			long beans) implements Stats.Round {

		@Override
		public long millis() {
			return this.jvmUptimeMillis;
		}

	}

	/**
	 * What a variant adds, paired by round: the median difference, its interval ({@code null} with too few
	 * rounds) and the goal's allowance.
	 */
	record Paired(double median, Stats.Interval interval, double allowed) {

		/**
		 * {@code yes} or {@code no} when the whole interval is on one side of the allowance, else which way the
		 * median leans.
		 */
		String verdict() {
			if (this.interval != null && this.interval.high() <= this.allowed) {
				return "**yes**";
			}
			if (this.interval != null && this.interval.low() > this.allowed) {
				return "**no**";
			}
			return (this.median <= this.allowed) ? "yes by the median, not beyond the noise"
					: "no by the median, not beyond the noise";
		}

		String describe() {
			return (this.interval != null) ? String.format("%+.0f ms [%+.0f, %+.0f]", this.median,
					this.interval.low(), this.interval.high()) : String.format("%+.0f ms", this.median);
		}

	}

	/**
	 * The starts, and where the starter's time goes next to the hand-assembled equivalent ({@code null} when
	 * not measured).
	 */
	record Result(List<Run> runs, StartupTimeline.Breakdown timeline) {

		List<Long> values(String variant, ToLongFunction<Run> metric) {
			return this.runs.stream().filter((run) -> run.variant().equals(variant)).map(metric::applyAsLong).toList();
		}

		List<Long> uptimes(String variant) {
			return values(variant, Run::jvmUptimeMillis);
		}

		double median(String variant) {
			return Stats.median(uptimes(variant));
		}

		double median(String variant, ToLongFunction<Run> metric) {
			return Stats.median(values(variant, metric));
		}

		/** What {@code variant} adds to {@code baseline}, in ms (medians). */
		double addedMillis(String variant, String baseline) {
			return median(variant) - median(baseline);
		}

		double ratio(String variant, String baseline) {
			return median(variant) / median(baseline);
		}

		List<Long> roundDifferences(String variant, String baseline) {
			return Stats.roundDifferences(this.runs, variant, baseline);
		}

		/** The median round difference and its 95 % interval, see {@link Stats#medianInterval}. */
		Paired paired(String variant, String baseline) {
			List<Long> differences = roundDifferences(variant, baseline);
			return new Paired(Stats.median(differences), Stats.medianInterval(differences, 0.95),
					allowedMillis(baseline));
		}

		/**
		 * The goal: against the hand-assembled equivalent at most {@value #HANDWIRED_ALLOWANCE_MILLIS} ms added;
		 * against the other baselines (kept so the history stays comparable) 10 % or 150 ms, whichever is larger.
		 */
		double allowedMillis(String baseline) {
			return baseline.equals(HANDWIRED) ? HANDWIRED_ALLOWANCE_MILLIS : Math.max(0.10 * median(baseline), 150);
		}

	}

}
