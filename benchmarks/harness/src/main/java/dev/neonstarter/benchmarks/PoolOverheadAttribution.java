package dev.neonstarter.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.testsupport.NeonTestTopology;

/**
 * Where the starter's per-operation cost goes: the alternating blocks of {@link PoolOverhead} (starter and bare
 * HikariCP in one JVM, the calling thread's CPU time per operation and the throughput ratio), once per variant,
 * each variant turning one more of the starter's per-operation pieces off by its property, each in a JVM of its
 * own. The difference between two consecutive variants is what the piece turned off costs. Not part of
 * {@code benchmarks/run.sh}; run it by hand on a quiet machine after building the harness as {@code run.sh}
 * does:
 * <pre>
 * java -cp "benchmarks/harness/target/classes:$(cat benchmarks/harness/target/classpath.txt)" \
 *   dev.neonstarter.benchmarks.PoolOverheadAttribution [--blocks=300] [--passes=2] [--operation=select1]
 *   [--variants=full,no-stall-watch,...] [--jvm-args="-XX:..."] [--baseline-jar=PATH]
 * </pre>
 * {@code --baseline-jar} names another build of {@code neon-spring-boot-autoconfigure} (for example the
 * commit before a change): each variant then also runs with it in place of this build's jar, right after it
 * (before it in every other pass), so that a change is measured before and after in the same run.
 */
public final class PoolOverheadAttribution {

	/** Each variant but the last: the previous one with one more piece turned off. */
	static final Map<String, List<String>> VARIANTS = variants();

	private static final String RESULT = "ATTRIBUTION ";

	private PoolOverheadAttribution() {
	}

	private static Map<String, List<String>> variants() {
		Map<String, List<String>> variants = new LinkedHashMap<>();
		List<String> properties = new ArrayList<>(List.of("neon.slow-query-threshold=1s"));
		variants.put("full", List.copyOf(properties));
		properties.add("neon.monitor.stall-timeout=0");
		variants.put("no-stall-watch", List.copyOf(properties));
		properties.add("neon.monitor.enabled=false");
		variants.put("no-monitor", List.copyOf(properties));
		properties.add("neon.resilience.fail-fast=false");
		variants.put("no-breaker-guard", List.copyOf(properties));
		properties.add("spring.autoconfigure.exclude=dev.neonstarter.query.autoconfigure.NeonObservationAutoConfiguration");
		variants.put("no-observation", List.copyOf(properties));
		properties.remove("neon.slow-query-threshold=1s");
		variants.put("no-slow-query-log", List.copyOf(properties));
		// Not in the chain: everything on but Spring Boot's long task timer per observation.
		variants.put("full-without-long-task-timer",
				List.of("neon.slow-query-threshold=1s", "management.observations.long-task-timer.enabled=false"));
		return variants;
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = BenchmarkSuite.options(args);
		if (options.containsKey("variant")) {
			measure(options);
			return;
		}
		int passes = Integer.parseInt(options.getOrDefault("passes", "2"));
		List<String> names = Arrays.asList(options.getOrDefault("variants", String.join(",", VARIANTS.keySet())).split(","));
		Path work = Path.of("benchmarks/target/work").toAbsolutePath();
		Files.createDirectories(work);
		Map<String, List<String>> results = new LinkedHashMap<>();
		System.out.println("load before: " + Machine.uptime());
		try (NeonTestTopology topology = NeonTestTopology.startWithServerPool(BenchmarkSuite.PGBOUNCER_SERVER_POOL,
				NeonTestTopology.NEON_QUERY_WAIT_TIMEOUT_SECONDS)) {
			String database = PoolOverhead.createDatabase(topology);
			String target = BenchmarkDatabase.of(topology, database).systemProperty(work);
			for (int pass = 0; pass < passes; pass++) {
				List<String> order = new ArrayList<>(names);
				if (pass % 2 == 1) {
					java.util.Collections.reverse(order);
				}
				for (String name : order) {
					List<String> builds = new ArrayList<>(List.of("this"));
					if (options.containsKey("baseline-jar")) {
						builds.add((pass % 2 == 0) ? builds.size() : 0, "baseline");
					}
					for (String build : builds) {
						String label = name + (options.containsKey("baseline-jar") ? " [" + build + "]" : "");
						results.computeIfAbsent(label, (key) -> new ArrayList<>())
							.add(fork(name, label, classpath(build, options), target, options));
					}
				}
			}
		}
		System.out.println("load after: " + Machine.uptime());
		System.out.println("variant | starter CPU µs/op | bare CPU µs/op | added CPU µs/op | throughput ratio");
		results.forEach((name, lines) -> lines.forEach((line) -> System.out.println(name + " | " + line)));
	}

	/** This JVM's class path, with {@code --baseline-jar} in place of the autoconfigure jar for the baseline. */
	private static String classpath(String build, Map<String, String> options) {
		String classpath = System.getProperty("java.class.path");
		if (!build.equals("baseline")) {
			return classpath;
		}
		List<String> entries = new ArrayList<>();
		for (String entry : classpath.split(java.io.File.pathSeparator)) {
			entries.add(entry.matches(".*neon-spring-boot-autoconfigure[^/]*\\.jar") ? options.get("baseline-jar") : entry);
		}
		if (!entries.contains(options.get("baseline-jar"))) {
			throw new IllegalStateException("No neon-spring-boot-autoconfigure jar on the class path to replace");
		}
		return String.join(java.io.File.pathSeparator, entries);
	}

	private static String fork(String variant, String label, String classpath, String target,
			Map<String, String> options) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(List.of("-Xms1g", "-Xmx1g", target));
		String jvmArgs = options.get("jvm-args");
		if (jvmArgs != null && !jvmArgs.isBlank()) {
			command.addAll(Arrays.asList(jvmArgs.trim().split("\\s+")));
		}
		command.addAll(List.of("-cp", classpath, PoolOverheadAttribution.class.getName(),
				"--variant=" + variant, "--blocks=" + options.getOrDefault("blocks", "300"),
				"--operation=" + options.getOrDefault("operation", "select1")));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String result = null;
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.startsWith(RESULT)) {
					result = line.substring(RESULT.length());
					System.out.println(label + ": " + result);
				}
				else if (line.contains("ERROR") || line.contains("Exception")) {
					System.out.println(label + "> " + line);
				}
			}
		}
		if (process.waitFor() != 0 || result == null) {
			throw new IllegalStateException("Variant " + variant + " failed (exit " + process.exitValue() + ")");
		}
		return result;
	}

	/** In the forked JVM: the variant's starter against bare HikariCP in alternating blocks. */
	private static void measure(Map<String, String> options) throws Exception {
		List<String> properties = VARIANTS.get(options.get("variant"));
		int blocks = Integer.parseInt(options.get("blocks"));
		String operation = options.get("operation");
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		try (StarterApplication application = StarterApplication.start(BenchmarkDatabase.fromSystemProperties(),
				properties.toArray(String[]::new));
				HikariDataSource bare = PoolOverheadBenchmark.sameSettingsAs(application.pooledDataSource())) {
			List<DataSource> pools = List.of(application.pooledDataSource(), bare);
			List<List<Double>> cpu = List.of(new ArrayList<>(), new ArrayList<>());
			List<Double> ratios = new ArrayList<>();
			int warmup = Math.max(50, blocks / 2);
			for (int round = 0; round < warmup + blocks; round++) {
				long[] wallNanos = new long[2];
				for (int i = 0; i < 2; i++) {
					int pool = (round % 2 == 0) ? i : 1 - i;
					long cpuStart = threads.getCurrentThreadCpuTime();
					long wallStart = System.nanoTime();
					for (int n = 0; n < PoolOverhead.BLOCK; n++) {
						PoolOverheadBenchmark.run(operation, pools.get(pool));
					}
					wallNanos[pool] = System.nanoTime() - wallStart;
					if (round >= warmup) {
						cpu.get(pool).add((threads.getCurrentThreadCpuTime() - cpuStart) / 1000.0 / PoolOverhead.BLOCK);
					}
				}
				if (round >= warmup) {
					ratios.add((double) wallNanos[1] / wallNanos[0]);
				}
			}
			PoolOverhead.Score starter = PoolOverhead.Score.of(cpu.get(0));
			PoolOverhead.Score plain = PoolOverhead.Score.of(cpu.get(1));
			PoolOverhead.Score ratio = PoolOverhead.Score.of(ratios);
			System.out.println(RESULT + String.format(java.util.Locale.ROOT,
					"%.1f ± %.1f | %.1f ± %.1f | %+.1f | %.3f ± %.3f", starter.mean(), starter.error(), plain.mean(),
					plain.error(), starter.mean() - plain.mean(), ratio.mean(), ratio.error()));
		}
	}

}
