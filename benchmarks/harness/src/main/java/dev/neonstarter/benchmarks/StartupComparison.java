package dev.neonstarter.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.neonstarter.autoconfigure.testsupport.NeonTestTopology;
import dev.neonstarter.benchmarks.startup.StartupApp;

/**
 * Measurement 2: the time to {@code ApplicationReadyEvent} of {@link StartupApp} in fresh JVMs, with Spring
 * Boot's own DataSource + Flyway auto-configuration ("boot") and with the Neon starter ("starter"), runs
 * interleaved (boot, starter, starter, boot, ...), each on a new database so that every run migrates.
 */
final class StartupComparison {

	static final String BOOT = "boot";

	static final String STARTER = "starter";

	private StartupComparison() {
	}

	static Result run(NeonTestTopology topology, BuildOutputs build, int runsEach) throws IOException, InterruptedException {
		List<Run> runs = new ArrayList<>();
		// One discarded start of each first: the page cache then holds both classpaths.
		start(topology, build, BOOT, -1);
		start(topology, build, STARTER, -1);
		for (int i = 0; i < runsEach; i++) {
			List<String> order = (i % 2 == 0) ? List.of(BOOT, STARTER) : List.of(STARTER, BOOT);
			for (String variant : order) {
				Run run = start(topology, build, variant, i);
				System.out.printf("startup %-7s run %2d: ready after %d ms (JVM uptime), %d ms (SpringApplication.run)%n",
						variant, i + 1, run.jvmUptimeMillis(), run.springMillis());
				runs.add(run);
			}
		}
		return new Result(runs);
	}

	private static Run start(NeonTestTopology topology, BuildOutputs build, String variant, int index)
			throws IOException, InterruptedException {
		String database = topology.createDatabase();
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", variant.equals(BOOT) ? build.bootOnlyClasspath() : build.withStarterClasspath(),
				StartupApp.class.getName(), "--spring.main.banner-mode=off"));
		if (variant.equals(BOOT)) {
			String tls = "sslmode=verify-full&sslrootcert=" + topology.certificates().caCertificate().toAbsolutePath();
			// What a Spring Boot user on Neon writes by hand: the pooler for the application, the direct
			// endpoint for Flyway.
			command.add("--spring.datasource.url=jdbc:postgresql://localhost:" + topology.pgbouncer().port() + "/"
					+ database + "?" + tls + "&prepareThreshold=0");
			command.add("--spring.datasource.username=" + NeonTestTopology.APP_USER);
			command.add("--spring.datasource.password=" + NeonTestTopology.APP_PASSWORD);
			command.add("--spring.flyway.url=jdbc:postgresql://localhost:" + topology.postgres().port() + "/" + database
					+ "?" + tls);
			command.add("--spring.flyway.user=" + NeonTestTopology.APP_USER);
			command.add("--spring.flyway.password=" + NeonTestTopology.APP_PASSWORD);
		}
		else {
			BenchmarkDatabase.of(topology, database).starterProperties().forEach((property) -> command.add("--" + property));
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
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
		return new Run(variant, index, Long.parseLong(fields[1]), Long.parseLong(fields[2]));
	}

	/** One start: JVM uptime at {@code ApplicationReadyEvent}, and the event's own time taken by {@code run}. */
	record Run(String variant, int index, long jvmUptimeMillis, long springMillis) {

	}

	record Result(List<Run> runs) {

		List<Long> uptimes(String variant) {
			return this.runs.stream().filter((run) -> run.variant().equals(variant)).map(Run::jvmUptimeMillis).toList();
		}

		List<Long> springTimes(String variant) {
			return this.runs.stream().filter((run) -> run.variant().equals(variant)).map(Run::springMillis).toList();
		}

		double median(String variant) {
			return Stats.median(uptimes(variant));
		}

		double addedMillis() {
			return median(STARTER) - median(BOOT);
		}

		double ratio() {
			return median(STARTER) / median(BOOT);
		}

		/** The goal: at most 10 % or 150 ms added, whichever is larger. */
		double allowedMillis() {
			return Math.max(0.10 * median(BOOT), 150);
		}

		boolean goalMet() {
			return addedMillis() <= allowedMillis();
		}

	}

}
