package dev.neonstarter.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.neonstarter.testsupport.NeonTestTopology;

/**
 * Runs the measurements side by side on one machine and writes {@code RESULTS.md} and
 * {@code results.png}. Started by {@code benchmarks/run.sh}, which builds what it needs first.
 * <p>
 * Arguments: {@code --quick} (seconds per measurement, a smoke run),
 * {@code --only=jmh,startup,aotcache,sidebyside,load,storm,outage},
 * {@code --out=DIR}, {@code --command=TEXT} (the command line to record).
 */
public final class BenchmarkSuite {

	static final List<String> MEASUREMENTS = List.of("jmh", "startup", "aotcache", "sidebyside", "load", "storm",
			"outage");

	/** PgBouncer server connections per database: more than the pools need, as on Neon (0.9 x max_connections). */
	static final int PGBOUNCER_SERVER_POOL = 20;

	private BenchmarkSuite() {
	}

	/** Command-line options of the harness's mains: {@code --name=value}, or {@code --name} for {@code true}. */
	static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			String[] pair = arg.replaceFirst("^--", "").split("=", 2);
			options.put(pair[0], (pair.length > 1) ? pair[1] : "true");
		}
		return options;
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		boolean quick = options.containsKey("quick");
		Set<String> only = Set.copyOf(Arrays.asList(options.getOrDefault("only", String.join(",", MEASUREMENTS)).split(",")));
		if (!MEASUREMENTS.containsAll(only)) {
			throw new IllegalArgumentException("--only takes " + MEASUREMENTS + ", got " + only);
		}
		Path root = Path.of(System.getProperty("neon.benchmark.root", ".")).toAbsolutePath().normalize();
		Path out = Path.of(options.getOrDefault("out", root.resolve("benchmarks").toString())).toAbsolutePath();
		Path work = root.resolve("benchmarks/target/work");
		Files.createDirectories(out);
		Files.createDirectories(work);
		BuildOutputs build = new BuildOutputs(root);

		Instant started = Instant.now();
		String uptimeBefore = Machine.uptime();
		Map<String, Duration> durations = new LinkedHashMap<>();
		Machine machine;
		PoolOverhead.Result poolOverhead = null;
		StartupComparison.Result startup = null;
		SampleAppLoad.Result load = null;
		ConnectionStorm.Result storm = null;
		AotCacheStartup.Result aotCache = null;
		SampleAppComparison.Result sideBySide = null;
		LoneCallerOutage.Result outage = null;
		try (NeonTestTopology topology = NeonTestTopology.startWithServerPool(PGBOUNCER_SERVER_POOL,
				NeonTestTopology.NEON_QUERY_WAIT_TIMEOUT_SECONDS)) {
			machine = Machine.describe(topology, root);
			if (only.contains("jmh")) {
				Instant start = Instant.now();
				poolOverhead = PoolOverhead.run(topology, PoolOverhead.Settings.of(quick), work);
				durations.put("jmh", Duration.between(start, Instant.now()));
			}
			if (only.contains("startup")) {
				Instant start = Instant.now();
				startup = StartupComparison.run(topology, build, quick ? 2 : 15, quick ? 1 : 6);
				durations.put("startup", Duration.between(start, Instant.now()));
			}
			if (only.contains("aotcache")) {
				Instant start = Instant.now();
				aotCache = AotCacheStartup.run(topology, build, work, quick ? 1 : 8);
				durations.put("aotcache", Duration.between(start, Instant.now()));
			}
			if (only.contains("sidebyside")) {
				Instant start = Instant.now();
				sideBySide = SampleAppComparison.run(topology, build,
						SampleAppComparison.Settings.of(quick, options.containsKey("handwired-observed")), work);
				durations.put("sidebyside", Duration.between(start, Instant.now()));
			}
			// Restarts PostgreSQL: after the others on this topology.
			if (only.contains("load")) {
				Instant start = Instant.now();
				load = SampleAppLoad.run(topology, build, SampleAppLoad.Settings.of(quick), work);
				durations.put("load", Duration.between(start, Instant.now()));
			}
		}
		if (only.contains("storm")) {
			Instant start = Instant.now();
			storm = ConnectionStorm.run(ConnectionStorm.Settings.of(quick));
			durations.put("storm", Duration.between(start, Instant.now()));
		}
		if (only.contains("outage")) {
			Instant start = Instant.now();
			outage = LoneCallerOutage.run();
			durations.put("outage", Duration.between(start, Instant.now()));
		}
		Results results = new Results(machine, options.getOrDefault("command", "benchmarks/run.sh"), quick,
				DateTimeFormatter.ISO_INSTANT.format(started.atOffset(ZoneOffset.UTC).withNano(0)),
				Duration.between(started, Instant.now()), durations, uptimeBefore, Machine.uptime(), poolOverhead,
				startup, load, storm, outage, aotCache, sideBySide);
		Path png = out.resolve("results.png");
		Plot.write(results, png);
		Path markdown = out.resolve("RESULTS.md");
		Files.writeString(markdown, Report.markdown(results, png.getFileName().toString()));
		System.out.println("Wrote " + markdown + " and " + png + " in " + results.duration().toSeconds() + " s");
		// JMH and the pools leave non-daemon threads behind.
		System.exit(0);
	}

	/** Everything a run produced; a measurement left out with {@code --only} is {@code null}. */
	record Results(Machine machine, String command, boolean quick, String startedAt, Duration duration,
			Map<String, Duration> durations, String uptimeBefore, String uptimeAfter, PoolOverhead.Result poolOverhead,
			StartupComparison.Result startup, SampleAppLoad.Result load, ConnectionStorm.Result storm,
			LoneCallerOutage.Result outage, AotCacheStartup.Result aotCache, SampleAppComparison.Result sideBySide) {

	}

}
