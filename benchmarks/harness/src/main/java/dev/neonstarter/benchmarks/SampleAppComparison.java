package dev.neonstarter.benchmarks;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.neonstarter.testsupport.NeonTestTopology;

/**
 * Measurement 7: the sample app next to its hand-assembled equivalent ({@code benchmarks/handwired-sample}: the
 * same endpoints and statements on two hand-made HikariCP pools, a Resilience4j retry and breaker, Actuator and
 * Prometheus), both running at once, each on its own database of the topology, loaded by wrk in turn in ABBA order:
 * one endpoint that reads a note ({@code GET /api/notes/{id}}, through PgBouncer with TLS) and one that touches no
 * database ({@code GET /actuator/health/liveness}). A pair's ratio is the starter's requests over the hand-assembled
 * app's in its four runs.
 */
final class SampleAppComparison {

	static final String STARTER = "sample app (starter)";

	static final String HANDWIRED = "hand-assembled";

	static final int CONNECTIONS = 64;

	static final double GOAL = 0.97;

	/** Spring Boot's launcher that takes more jars ({@code loader.path}) than the executable jar holds. */
	private static final String PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	static final List<Endpoint> ENDPOINTS = List.of(
			new Endpoint("a note through the pooled DataSource", "/api/notes/{id}", CONNECTIONS),
			new Endpoint("no database (liveness)", "/actuator/health/liveness", CONNECTIONS),
			new Endpoint("the load mix (4 note reads per note write), " + SampleAppLoad.CONNECTIONS
					+ " connections on a pool of " + SampleAppLoad.POOL_SIZE, null, SampleAppLoad.CONNECTIONS));

	private SampleAppComparison() {
	}

	static Result run(NeonTestTopology topology, BuildOutputs build, Settings settings, Path work)
			throws IOException, InterruptedException {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		int starterPort = SampleAppLoad.freePort();
		int handwiredPort = SampleAppLoad.freePort();
		Process starter = startStarter(topology, build, starterPort, settings.observedBaseline(),
				work.resolve("side-by-side-starter.log"));
		Process handwired = null;
		try {
			handwired = startHandwired(topology, build, handwiredPort, settings.observedBaseline(),
					work.resolve("side-by-side-handwired.log"));
			SampleAppLoad.awaitReady(http, starterPort, starter, work.resolve("side-by-side-starter.log"));
			SampleAppLoad.awaitReady(http, handwiredPort, handwired, work.resolve("side-by-side-handwired.log"));
			SampleAppLoad.seed(http, starterPort);
			SampleAppLoad.seed(http, handwiredPort);
			Wrk wrk = Wrk.in(work);
			List<EndpointResult> results = new ArrayList<>();
			for (Endpoint endpoint : ENDPOINTS) {
				int warmupRounds = warmUp(wrk, starterPort, handwiredPort, endpoint, settings);
				List<Pair> pairs = new ArrayList<>();
				for (int i = 0; i < settings.pairs(); i++) {
					// ABBA, and BAAB in every other pair: neither app always runs first or last.
					boolean starterFirst = i % 2 == 0;
					int first = starterFirst ? starterPort : handwiredPort;
					int second = starterFirst ? handwiredPort : starterPort;
					Wrk.Result a1 = run(wrk, first, endpoint, settings);
					Wrk.Result b1 = run(wrk, second, endpoint, settings);
					Wrk.Result b2 = run(wrk, second, endpoint, settings);
					Wrk.Result a2 = run(wrk, first, endpoint, settings);
					double firstRate = a1.requestsPerSecond() + a2.requestsPerSecond();
					double secondRate = b1.requestsPerSecond() + b2.requestsPerSecond();
					long errors = a1.errors() + a2.errors() + b1.errors() + b2.errors();
					Pair pair = starterFirst ? new Pair(firstRate / 2, secondRate / 2, errors)
							: new Pair(secondRate / 2, firstRate / 2, errors);
					System.out.printf("side by side, %s, pair %d: starter %.0f, hand-assembled %.0f requests/s (ratio %.3f)%n",
							endpoint.name(), i + 1, pair.starter(), pair.handwired(), pair.ratio());
					pairs.add(pair);
				}
				results.add(new EndpointResult(endpoint, pairs, warmupRounds));
			}
			return new Result(results, settings);
		}
		finally {
			SampleAppLoad.stop(starter);
			if (handwired != null) {
				SampleAppLoad.stop(handwired);
			}
		}
	}

	/**
	 * Loads both apps in turn until each serves at a steady rate: its last warm-up round within
	 * {@link Settings#steadyWithin()} of the one before, after at least {@link Settings#warmupRounds()} rounds and at
	 * most {@link Settings#maxWarmupRounds()}. A fixed few rounds were not enough: both apps' rates kept rising for
	 * minutes, the starter's longer (it has more code to compile), so the first pairs favoured the
	 * hand-assembled app and the order of the pairs decided part of the ratio.
	 * @return the rounds it took
	 */
	private static int warmUp(Wrk wrk, int starterPort, int handwiredPort, Endpoint endpoint, Settings settings)
			throws IOException, InterruptedException {
		double[] previous = { Double.NaN, Double.NaN };
		int[] ports = { starterPort, handwiredPort };
		for (int round = 1;; round++) {
			boolean steady = true;
			double[] rates = new double[2];
			for (int app = 0; app < 2; app++) {
				rates[app] = wrk.start(ports[app], endpoint.connections(), settings.warmupSeconds(),
						SampleAppLoad.SEEDED_NOTES, endpoint.path())
					.await()
					.requestsPerSecond();
				steady &= Math.abs(rates[app] / previous[app] - 1) <= settings.steadyWithin();
				previous[app] = rates[app];
			}
			System.out.printf("side by side, %s, warm-up round %d: starter %.0f, hand-assembled %.0f requests/s%n",
					endpoint.name(), round, rates[0], rates[1]);
			if ((steady && round >= settings.warmupRounds()) || round >= settings.maxWarmupRounds()) {
				return round;
			}
		}
	}

	private static Wrk.Result run(Wrk wrk, int port, Endpoint endpoint, Settings settings)
			throws IOException, InterruptedException {
		return wrk.start(port, endpoint.connections(), settings.runSeconds(), SampleAppLoad.SEEDED_NOTES, endpoint.path())
			.await();
	}

	private static Process startStarter(NeonTestTopology topology, BuildOutputs build, int port,
			boolean observedBaseline, Path log) throws IOException {
		// With the observed baseline both apps start through the same launcher: it loads classes and resources
		// differently from the jar launcher, which showed in a run on the endpoint without a database.
		String jar = build.sampleAppJar().toString();
		List<String> command = observedBaseline ? java(port, "-cp", jar, PROPERTIES_LAUNCHER)
				: java(port, "-jar", jar);
		command.add("--spring.profiles.active=prod");
		command.add("--neon.pooled.hikari.maximum-pool-size=" + SampleAppLoad.POOL_SIZE);
		BenchmarkDatabase database = BenchmarkDatabase.of(topology, topology.createDatabase());
		database.starterSettings().forEach((property) -> command.add("--" + property));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		database.passConnectionStrings(builder);
		return builder.start();
	}

	private static Process startHandwired(NeonTestTopology topology, BuildOutputs build, int port, boolean observed,
			Path log) throws IOException {
		String jar = build.handwiredSampleJar().toString();
		List<String> command;
		if (observed) {
			// Spring Boot's PropertiesLauncher adds loader.path to the jar's own classpath: the jar stays as it is.
			String loaderPath = build.jdbcObservationJars()
				.stream()
				.map(Path::toString)
				.collect(Collectors.joining(","));
			command = java(port, "-Dloader.path=" + loaderPath, "-cp", jar, PROPERTIES_LAUNCHER);
			// One observation per statement, as neon.queries gives: not datasource-micrometer's connection and
			// result-set observations too.
			command.add("--jdbc.includes=QUERY");
		}
		else {
			command = java(port, "-jar", jar);
		}
		command.add("--app.datasource.pooled.maximum-pool-size=" + SampleAppLoad.POOL_SIZE);
		ProcessBuilder builder = new ProcessBuilder().redirectErrorStream(true).redirectOutput(log.toFile());
		BenchmarkDatabase.handwired(topology, topology.createDatabase(), command, builder);
		return builder.command(command).start();
	}

	private static List<String> java(int port, String... launch) {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms512m", "-Xmx512m"));
		command.addAll(List.of(launch));
		command.add("--server.port=" + port);
		return command;
	}

	/** What wrk requests: GETs of {@code path}, or the mixed load of measurement 3 when {@code null}. */
	record Endpoint(String name, String path, int connections) {

	}

	/** One ABBA pair: each app's mean requests per second over its two runs, and the responses that failed. */
	record Pair(double starter, double handwired, long errors) {

		double ratio() {
			return this.starter / this.handwired;
		}

	}

	/** The pairs measured on one endpoint, after {@code warmupRounds} rounds of warm-up. */
	record EndpointResult(Endpoint endpoint, List<Pair> pairs, int warmupRounds) {

		List<Double> ratios() {
			return this.pairs.stream().map(Pair::ratio).toList();
		}

		double medianRatio() {
			return Stats.median(ratios());
		}

		Stats.Interval interval() {
			return Stats.medianInterval(ratios(), 0.95);
		}

		long errors() {
			return this.pairs.stream().mapToLong(Pair::errors).sum();
		}

		/** Met (yes/no) when the whole interval is on one side of the goal, else which way the median leans. */
		String verdict() {
			Stats.Interval interval = interval();
			if (interval != null && interval.low() >= GOAL) {
				return "**yes**";
			}
			if (interval != null && interval.high() < GOAL) {
				return "**no**";
			}
			return (medianRatio() >= GOAL) ? "yes by the median, not beyond the noise"
					: "no by the median, not beyond the noise";
		}

	}

	record Result(List<EndpointResult> endpoints, Settings settings) {

	}

	/**
	 * How long to measure and to warm up: at least {@code warmupRounds} and at most {@code maxWarmupRounds} rounds
	 * of {@code warmupSeconds} per app, until both apps' rates change by no more than {@code steadyWithin}
	 * (a fraction) from one round to the next.
	 */
	record Settings(int pairs, int runSeconds, int warmupSeconds, int warmupRounds, int maxWarmupRounds,
			double steadyWithin, boolean observedBaseline) {

		/**
		 * @param observedBaseline whether the hand-assembled app observes each statement too, with
		 * datasource-micrometer ({@code benchmarks/run.sh --handwired-observed}), as the starter's
		 * {@code neon.queries} does
		 */
		static Settings of(boolean quick, boolean observedBaseline) {
			return quick ? new Settings(1, 2, 2, 1, 1, 1.0, observedBaseline)
					: new Settings(8, 5, 10, 3, 8, 0.03, observedBaseline);
		}

	}

}
