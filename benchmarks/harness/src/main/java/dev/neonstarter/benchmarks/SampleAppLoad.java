package dev.neonstarter.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongBinaryOperator;
import java.util.stream.Collectors;

import dev.neonstarter.testsupport.NeonTestTopology;

/**
 * Measurement 3: the sample app's executable jar in its own JVM on the topology, loaded by wrk on loopback with
 * {@value #CONNECTIONS} connections against its pool of {@value #POOL_SIZE}: first steady load, then the same
 * load while PostgreSQL restarts once behind PgBouncer.
 */
final class SampleAppLoad {

	static final int CONNECTIONS = 200;

	static final int POOL_SIZE = 10;

	static final int SEEDED_NOTES = 100;

	private SampleAppLoad() {
	}

	static Result run(NeonTestTopology topology, BuildOutputs build, Settings settings, Path workDirectory)
			throws IOException, InterruptedException {
		String database = topology.createDatabase();
		int port = freePort();
		Path log = workDirectory.resolve("sample-app.log");
		List<String> command = java(build.sampleAppJar(), "starter");
		command.addAll(List.of("--spring.profiles.active=prod", "--server.port=" + port,
				"--neon.pooled.hikari.maximum-pool-size=" + POOL_SIZE));
		BenchmarkDatabase benchmarkDatabase = BenchmarkDatabase.of(topology, database);
		benchmarkDatabase.starterSettings().forEach((property) -> command.add("--" + property));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		benchmarkDatabase.passConnectionStrings(builder);
		Process app = builder.start();
		try {
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			awaitReady(http, port, app, log);
			seed(http, port);
			String metrics = get(http, port, "/actuator/prometheus").body();
			if (!metrics.contains("hikaricp_connections_max{pool=\"neon-pooled\"} " + POOL_SIZE + ".0")) {
				throw new IllegalStateException("The sample app's pool is not " + POOL_SIZE + " connections");
			}

			Wrk wrk = Wrk.in(workDirectory);
			Wrk.Result steady = warmUpAndMeasure(wrk, port, settings, "sample app");
			Restart outage = restart(topology, database, app, port, settings, wrk, "sample app");
			stop(app);
			// The same restart under the hand-assembled equivalent: what its pool, PgBouncer and PostgreSQL need
			// anyway to serve at full rate again once PgBouncer serves.
			Restart handwired = handwiredRestart(topology, build, settings, workDirectory, wrk, http);
			return new Result(steady, outage, handwired, settings);
		}
		finally {
			stop(app);
		}
	}

	/** The warm-up (not counted), then the steady run. */
	private static Wrk.Result warmUpAndMeasure(Wrk wrk, int port, Settings settings, String name)
			throws IOException, InterruptedException {
		Wrk.Result warmup = wrk.start(port, CONNECTIONS, settings.warmupSeconds(), SEEDED_NOTES).await();
		System.out.printf("load warm-up, %s: %.0f requests/s, %d errors%n", name, warmup.requestsPerSecond(),
				warmup.errors());
		Wrk.Result steady = wrk.start(port, CONNECTIONS, settings.steadySeconds(), SEEDED_NOTES).await();
		System.out.printf("load steady, %s: %.0f requests/s, p99 %.1f ms, %d errors%n", name,
				steady.requestsPerSecond(), steady.latencyMillis("p99"), steady.errors());
		return steady;
	}

	/** Stops an app, forcibly if it has not exited within 30 s; nothing if it has already. */
	static void stop(Process app) throws InterruptedException {
		app.destroy();
		if (!app.waitFor(30, TimeUnit.SECONDS)) {
			app.destroyForcibly();
		}
	}

	private static Restart handwiredRestart(NeonTestTopology topology, BuildOutputs build, Settings settings,
			Path workDirectory, Wrk wrk, HttpClient http) throws IOException, InterruptedException {
		String database = topology.createDatabase();
		int port = freePort();
		Path log = workDirectory.resolve("handwired-sample-load.log");
		List<String> command = java(build.handwiredSampleJar(), "handwired");
		command.addAll(List.of("--server.port=" + port, "--app.datasource.pooled.maximum-pool-size=" + POOL_SIZE));
		ProcessBuilder builder = new ProcessBuilder().redirectErrorStream(true).redirectOutput(log.toFile());
		BenchmarkDatabase.handwired(topology, database, command, builder);
		Process app = builder.command(command).start();
		try {
			awaitReady(http, port, app, log);
			seed(http, port);
			warmUpAndMeasure(wrk, port, settings, "hand-assembled");
			return restart(topology, database, app, port, settings, wrk, "hand-assembled");
		}
		finally {
			stop(app);
		}
	}

	/**
	 * The command that starts an app's jar with a 1 GiB heap, and the JVM arguments of the system property
	 * {@code neon.benchmarks.app-jvm-args} (space-separated; {@code {app}} becomes {@code starter} or
	 * {@code handwired}), for example {@code -XX:StartFlightRecording=filename=/tmp/{app}.jfr} to profile both apps.
	 */
	private static List<String> java(Path jar, String app) {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xms1g", "-Xmx1g"));
		String extra = System.getProperty("neon.benchmarks.app-jvm-args", "").trim();
		if (!extra.isEmpty()) {
			for (String argument : extra.split("\\s+")) {
				command.add(argument.replace("{app}", app));
			}
		}
		command.addAll(List.of("-jar", jar.toString()));
		return command;
	}

	/**
	 * A run of wrk during which PostgreSQL restarts once, {@code restartAtSecond} into it, with the app's CPU time
	 * (its JIT compiler threads' and its whole JVM's) sampled throughout.
	 */
	private static Restart restart(NeonTestTopology topology, String database, Process app, int port,
			Settings settings, Wrk wrk, String name) throws IOException, InterruptedException {
		JvmCpu cpu = JvmCpu.sample(app);
		Wrk.Run running = wrk.start(port, CONNECTIONS, settings.restartRunSeconds(), SEEDED_NOTES);
		Thread.sleep(settings.restartAtSecond() * 1000L);
		long stopping = System.currentTimeMillis();
		topology.postgres().stop();
		long stopped = System.currentTimeMillis();
		topology.postgres().start();
		long started = System.currentTimeMillis();
		long startedNanos = System.nanoTime();
		// When PgBouncer serves again (after its server_login_retry): a plain client's query through it, on the
		// app's database (PgBouncer's pools, and their login retry, are per database and user), which waits in
		// PgBouncer's queue until PgBouncer has logged in to PostgreSQL again.
		CompletableFuture<Long> pgbouncerServes = CompletableFuture.supplyAsync(() -> {
			try {
				return started + topology.millisUntilPgBouncerServes(database, startedNanos,
						Duration.ofSeconds(settings.restartRunSeconds()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		});
		Wrk.Result load = running.await();
		cpu.close();
		Restart restart = new Restart(load, stopping, stopped, started, pgbouncerServes.join(), cpu.samples());
		System.out.printf("load with a PostgreSQL restart, %s: %d failed requests, PgBouncer served again %d ms and"
				+ " recovered %d ms after the restart began%n", name, load.errors(),
				restart.pgbouncerServes() - stopping, restart.recoveryMillis());
		// Successes/failures per 100 ms from PgBouncer serving again: how the app ramps up.
		System.out.println("load with a PostgreSQL restart, " + name + ", per 100 ms from PgBouncer serving again"
				+ " (ok/failed): " + load.timeline().subMap(restart.pgbouncerServes() - 100,
						restart.pgbouncerServes() + 4000).values().stream()
					.map((counts) -> counts[0] + "/" + counts[1]).collect(Collectors.joining(" ")));
		return restart;
	}

	/** Creates {@value #SEEDED_NOTES} notes through the API, ids 1 to {@value #SEEDED_NOTES} on a new database. */
	static void seed(HttpClient http, int port) throws IOException, InterruptedException {
		for (int i = 0; i < SEEDED_NOTES; i++) {
			HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/notes"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"seed " + i + "\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			if (created.statusCode() != 201) {
				throw new IllegalStateException("Seeding failed: " + created.statusCode() + " " + created.body());
			}
		}
	}

	static void awaitReady(HttpClient http, int port, Process app, Path log) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
		while (System.nanoTime() < deadline) {
			if (!app.isAlive()) {
				throw new IllegalStateException("The sample app exited: see " + log);
			}
			try {
				if (get(http, port, "/actuator/health/readiness").statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("The sample app did not become ready: see " + log);
	}

	static HttpResponse<String> get(HttpClient http, int port, String path) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** How long wrk loads the app. */
	record Settings(int warmupSeconds, int steadySeconds, int restartRunSeconds, int restartAtSecond) {

		static Settings of(boolean quick) {
			// After the restart, the run goes on long enough for PgBouncer's server_login_retry (15 s).
			return quick ? new Settings(3, 5, 25, 4) : new Settings(15, 30, 40, 10);
		}

	}

	/**
	 * The run during which PostgreSQL restarted: stopped between {@code stopping} and {@code stopped}, accepting
	 * connections again from {@code started}, and PgBouncer serving a plain client again from
	 * {@code pgbouncerServes} (epoch ms); {@code cpu} holds the app's CPU time sampled during the run
	 * ({@link JvmCpu#samples()}).
	 */
	record Restart(Wrk.Result load, long stopping, long stopped, long started, long pgbouncerServes,
			NavigableMap<Long, long[]> cpu) {

		/**
		 * From PgBouncer serving again to no more failures and full throughput, ms (the goal: about 1 s); -1 if
		 * throughput did not come back within the run.
		 */
		long recoveryAfterPgBouncerMillis() {
			long recovery = recoveryMillis();
			return (recovery < 0) ? -1 : Math.max(0, this.stopping + recovery - this.pgbouncerServes);
		}

		/** Successful responses per second before the restart, from the second second of the run on. */
		double throughputBefore() {
			Map<Long, long[]> before = this.load.timeline().subMap(this.load.startMillis() + 2000, this.stopping - 100);
			return before.values().stream().mapToLong((counts) -> counts[0]).sum() / (before.size() / 10.0);
		}

		/** Successful responses per second over the run's last 10 s (its last 100 ms left out: wrk stopping). */
		double throughputAtEnd() {
			long end = this.load.timeline().lastKey();
			Map<Long, long[]> last = this.load.timeline().subMap(end - 10_000, end);
			return last.values().stream().mapToLong((counts) -> counts[0]).sum() / (last.size() / 10.0);
		}

		/** End of the last 100 ms with a failed response, in ms after the restart began; 0 if none failed. */
		long lastFailureMillis() {
			return this.load.timeline()
				.entrySet()
				.stream()
				.filter((entry) -> entry.getValue()[1] > 0)
				.mapToLong((entry) -> entry.getKey() + 100 - this.stopping)
				.max()
				.orElse(0);
		}

		/**
		 * When successful responses were back to 90 % of the rate before the restart (over the following
		 * second), in ms after the restart began; -1 if never within the run.
		 */
		long throughputBackMillis() {
			double target = 0.9 * throughputBefore() / 10;
			List<Long> buckets = new ArrayList<>(this.load.timeline().subMap(this.stopping - 100, Long.MAX_VALUE).keySet());
			for (int i = 0; i + 10 <= buckets.size(); i++) {
				long from = buckets.get(i);
				double rate = this.load.timeline().subMap(from, from + 1000).values().stream().mapToLong((c) -> c[0]).sum() / 10.0;
				if (from + 100 >= this.started && rate >= target) {
					return Math.max(0, from - this.stopping);
				}
			}
			return -1;
		}

		/**
		 * Successful responses per second in each of {@code steps} windows of {@code stepMillis} from the moment
		 * PgBouncer served again: the shape of the ramp back to full throughput.
		 */
		List<Long> successRatesAfterPgBouncer(long stepMillis, int steps) {
			return windowsAfterPgBouncer(stepMillis, steps, (start, end) -> this.load.timeline()
				.subMap(start, end)
				.values()
				.stream()
				.mapToLong((counts) -> counts[0])
				.sum() * 1000 / stepMillis);
		}

		/**
		 * CPU ms per second of the app's JIT compiler threads ({@code jit}) or of its whole JVM in each of
		 * {@code steps} windows of {@code stepMillis} from the moment PgBouncer served again; -1 for a window
		 * without samples (no {@code /proc}).
		 */
		List<Long> cpuAfterPgBouncer(boolean jit, long stepMillis, int steps) {
			return windowsAfterPgBouncer(stepMillis, steps, (start, end) -> cpuRate(jit, start, end));
		}

		/**
		 * One value per window of {@code stepMillis}, {@code steps} of them, from the 100 ms bucket in which
		 * PgBouncer served again: {@code value} gets each window's start and end (epoch ms).
		 */
		private List<Long> windowsAfterPgBouncer(long stepMillis, int steps, LongBinaryOperator value) {
			List<Long> values = new ArrayList<>();
			long from = this.pgbouncerServes - Math.floorMod(this.pgbouncerServes, 100);
			for (int step = 0; step < steps; step++) {
				long start = from + step * stepMillis;
				values.add(value.applyAsLong(start, start + stepMillis));
			}
			return values;
		}

		/**
		 * CPU ms per second of the app's JIT compiler threads ({@code jit}) or of its whole JVM under the load
		 * before the restart (from the second second of the run on), -1 without samples.
		 */
		long cpuBefore(boolean jit) {
			return cpuRate(jit, this.load.startMillis() + 2000, this.stopping);
		}

		private long cpuRate(boolean jit, long from, long to) {
			Map.Entry<Long, long[]> first = this.cpu.ceilingEntry(from);
			Map.Entry<Long, long[]> last = this.cpu.floorEntry(to);
			if (first == null || last == null || last.getKey() <= first.getKey()) {
				return -1;
			}
			int index = jit ? 0 : 1;
			return (last.getValue()[index] - first.getValue()[index]) * 1000 / (last.getKey() - first.getKey());
		}

		/** The longest time without a single successful response from the restart on, ms. */
		long longestStallMillis() {
			long previous = this.stopping;
			long longest = 0;
			for (Map.Entry<Long, long[]> bucket : this.load.timeline().tailMap(this.stopping - 100).entrySet()) {
				if (bucket.getValue()[0] > 0) {
					longest = Math.max(longest, bucket.getKey() - previous);
					previous = bucket.getKey() + 100;
				}
			}
			return longest;
		}

		/** From the start of the restart until no more failures and full throughput. */
		long recoveryMillis() {
			long throughputBack = throughputBackMillis();
			return (throughputBack < 0) ? -1 : Math.max(lastFailureMillis(), throughputBack);
		}

	}

	/**
	 * The steady run and the restart of the sample app, and the same restart under the hand-assembled equivalent
	 * (a reference for what its pool, PgBouncer and PostgreSQL need to serve at full rate again).
	 */
	record Result(Wrk.Result steady, Restart restart, Restart handwiredRestart, Settings settings) {

	}

}
