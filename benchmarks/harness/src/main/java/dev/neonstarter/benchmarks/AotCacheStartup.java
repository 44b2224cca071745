package dev.neonstarter.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.neonstarter.testsupport.NeonTestTopology;

/**
 * Measurement 5: the sample app's startup with the JDK's ahead-of-time cache (JDK 25, JEP 483/514:
 * {@code -XX:AOTCacheOutput} in a training run, then {@code -XX:AOTCache}) against a plain start on the same JDK,
 * and with class data sharing (JDK 17: {@code -XX:ArchiveClassesAtExit}, then {@code -XX:SharedArchiveFile})
 * against a plain start on JDK 17. The jar is extracted first ({@code -Djarmode=tools extract}), as Spring Boot
 * documents for both: a cache is only used with the same class path it was trained on.
 * <p>
 * The training run is Spring Boot's: {@code -Dspring.context.exit=onRefresh}, with the sample app's default
 * {@code dev} profile, so it starts the embedded PostgreSQL and reaches no real database (a training run in the
 * {@code prod} profile would connect to, and migrate, the database it is given). Measured starts use the {@code prod}
 * profile on the test topology, each on a new database (so each migrates), in rotating order, and read the
 * process uptime Spring Boot logs when the application has started.
 * <p>
 * In the same rounds, {@code benchmarks/handwired-sample} (the same notes API on the hand-assembled equivalent
 * of the starter), extracted the same way and started on JDK 17 as is: the starter's startup cost in a web
 * application next to the JDK 17 start of the sample app, paired by round.
 */
final class AotCacheStartup {

	static final String JDK25_PLAIN = "jdk25";

	static final String JDK25_CACHE = "jdk25+aot-cache";

	static final String JDK17_PLAIN = "jdk17";

	static final String JDK17_CDS = "jdk17+cds";

	static final String JDK17_HANDWIRED = "jdk17 hand-assembled";

	private static final Pattern STARTED = Pattern.compile("Started \\S+ in [0-9.]+ seconds \\(process running for ([0-9.]+)\\)");

	private AotCacheStartup() {
	}

	/** The JDK 25 home: {@code -Dneon.benchmark.jdk25}, else Temurin's Debian location; {@code null} if absent. */
	static Path jdk25() {
		Path home = Path.of(System.getProperty("neon.benchmark.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
		return Files.isExecutable(home.resolve("bin/java")) ? home : null;
	}

	static Result run(NeonTestTopology topology, BuildOutputs build, Path work, int rounds)
			throws IOException, InterruptedException {
		Path jdk25 = jdk25();
		Path jdk17 = Path.of(System.getProperty("java.home"));
		if (jdk25 == null) {
			return new Result(List.of(), "no JDK 25 (set -Dneon.benchmark.jdk25=<home>)", Map.of());
		}
		Path directory = work.resolve("aot-cache");
		deleteRecursively(directory);
		Files.createDirectories(directory);
		Path jar = extract(jdk17, build.sampleAppJar(), directory.resolve("extracted"));
		Path handwiredJar = extract(jdk17, build.handwiredSampleJar(), directory.resolve("extracted-handwired"));
		Path aotCache = directory.resolve("app.aot");
		Path cds = directory.resolve("app.jsa");
		long trainingStart = System.nanoTime();
		exec(List.of(java(jdk25), "-XX:AOTCacheOutput=" + aotCache, "-Dspring.context.exit=onRefresh", "-jar", jar.toString()),
				directory.resolve("training-jdk25.log"));
		long aotTrainingMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - trainingStart);
		trainingStart = System.nanoTime();
		exec(List.of(java(jdk17), "-XX:ArchiveClassesAtExit=" + cds, "-Dspring.context.exit=onRefresh", "-jar", jar.toString()),
				directory.resolve("training-jdk17.log"));
		long cdsTrainingMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - trainingStart);
		Map<String, List<String>> variants = Map.of(JDK25_PLAIN, List.of(java(jdk25)), JDK25_CACHE,
				List.of(java(jdk25), "-XX:AOTCache=" + aotCache), JDK17_PLAIN, List.of(java(jdk17)), JDK17_CDS,
				List.of(java(jdk17), "-XX:SharedArchiveFile=" + cds), JDK17_HANDWIRED, List.of(java(jdk17)));
		List<String> order = new ArrayList<>(List.of(JDK25_PLAIN, JDK25_CACHE, JDK17_PLAIN, JDK17_CDS, JDK17_HANDWIRED));
		Function<String, Path> jarOf = (variant) -> variant.equals(JDK17_HANDWIRED) ? handwiredJar : jar;
		// One discarded start of each: the page cache then holds the jars and the caches.
		for (String variant : order) {
			start(topology, variants.get(variant), jarOf.apply(variant), directory, variant, -1);
		}
		List<Run> runs = new ArrayList<>();
		for (int i = 0; i < rounds; i++) {
			for (String variant : order) {
				Run run = start(topology, variants.get(variant), jarOf.apply(variant), directory, variant, i);
				System.out.printf("aot-cache %-16s run %2d: started after %d ms (process uptime)%n", variant, i + 1,
						run.uptimeMillis());
				runs.add(run);
			}
			Collections.rotate(order, 1);
		}
		return new Result(runs, null, Map.of(JDK25_CACHE, aotTrainingMillis, JDK17_CDS, cdsTrainingMillis));
	}

	/** The application jar Spring Boot's {@code extract} makes of an executable jar, its libraries beside it. */
	private static Path extract(Path jdk, Path executableJar, Path destination) throws IOException, InterruptedException {
		exec(List.of(java(jdk), "-Djarmode=tools", "-jar", executableJar.toString(), "extract", "--destination",
				destination.toString()), destination.resolveSibling(destination.getFileName() + ".log"));
		try (Stream<Path> files = Files.list(destination)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".jar")).findFirst().orElseThrow();
		}
	}

	private static Run start(NeonTestTopology topology, List<String> javaAndOptions, Path jar, Path directory,
			String variant, int index) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder().directory(directory.toFile()).redirectErrorStream(true);
		List<String> command = new ArrayList<>(javaAndOptions);
		if (variant.equals(JDK17_HANDWIRED)) {
			command.addAll(List.of("-jar", jar.toString(), "--server.port=0"));
			BenchmarkDatabase.handwired(topology, topology.createDatabase(), command, builder);
		}
		else {
			command.addAll(List.of("-jar", jar.toString(), "--spring.profiles.active=prod", "--server.port=0"));
			BenchmarkDatabase database = BenchmarkDatabase.of(topology, topology.createDatabase());
			database.starterSettings().forEach((property) -> command.add("--" + property));
			database.passConnectionStrings(builder);
		}
		Process process = builder.command(command).start();
		List<String> tail = new ArrayList<>();
		Long uptime = null;
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = output.readLine(); line != null; line = output.readLine()) {
				tail.add(line);
				Matcher started = STARTED.matcher(line);
				if (started.find()) {
					uptime = Math.round(Double.parseDouble(started.group(1)) * 1000);
					break;
				}
			}
		}
		finally {
			process.destroy();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
		if (uptime == null) {
			throw new IllegalStateException("The sample app (" + variant + ") did not start:\n"
					+ String.join("\n", tail.subList(Math.max(0, tail.size() - 40), tail.size())));
		}
		return new Run(variant, index, uptime);
	}

	private static void exec(List<String> command, Path log) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!process.waitFor(300, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(String.join(" ", command) + " did not finish: see " + log);
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed: see " + log);
		}
	}

	private static String java(Path home) {
		return home.resolve("bin/java").toString();
	}

	private static void deleteRecursively(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Collections.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

	/** One start: the process uptime Spring Boot logged when the application had started. */
	record Run(String variant, int index, long uptimeMillis) implements Stats.Round {

		@Override
		public long millis() {
			return this.uptimeMillis;
		}

	}

	/**
	 * The starts, or why there are none ({@code skipped}), and how long each training run took.
	 */
	record Result(List<Run> runs, String skipped, Map<String, Long> trainingMillis) {

		List<Long> uptimes(String variant) {
			return this.runs.stream().filter((run) -> run.variant().equals(variant)).map(Run::uptimeMillis).toList();
		}

		double median(String variant) {
			return Stats.median(uptimes(variant));
		}

		/** Per round, {@code variant} minus {@code baseline}: negative when the cache saves time. */
		List<Long> roundDifferences(String variant, String baseline) {
			return Stats.roundDifferences(this.runs, variant, baseline);
		}

	}

}
