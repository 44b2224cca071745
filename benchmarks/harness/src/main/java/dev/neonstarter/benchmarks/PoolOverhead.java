package dev.neonstarter.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.testsupport.NeonTestTopology;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Measurement 1: runs {@link PoolOverheadBenchmark} for both pools in the order bare, starter, starter, bare
 * (one fork each), so that a drift of the machine's load during the run weighs on both alike, and pools the
 * iterations of each pool as JMH pools forks.
 */
final class PoolOverhead {

	static final List<String> OPERATIONS = List.of("select1", "insert", "query");

	/** Operations per block of the client CPU measurement. */
	static final int BLOCK = 100;

	/** Rows of {@link PoolOverheadBenchmark#SEED_PAYLOAD} in the table before any operation runs. */
	static final int SEED_ROWS = 200;

	private PoolOverhead() {
	}

	static Result run(NeonTestTopology topology, Settings settings, Path workDirectory)
			throws RunnerException, SQLException {
		String database = createDatabase(topology);
		BenchmarkDatabase benchmarkDatabase = BenchmarkDatabase.of(topology, database);
		String target = benchmarkDatabase.systemProperty(workDirectory);
		// operation -> pool -> iteration scores (ops/s)
		Map<String, Map<String, List<Double>>> scores = new LinkedHashMap<>();
		for (String pool : settings.quick() ? List.of("bare", "starter") : List.of("bare", "starter", "starter", "bare")) {
			for (RunResult run : runOnce(target, pool, settings)) {
				String operation = run.getParams().getBenchmark().replaceAll(".*\\.", "");
				List<Double> values = scores.computeIfAbsent(operation, (key) -> new LinkedHashMap<>())
					.computeIfAbsent(pool, (key) -> new ArrayList<>());
				for (BenchmarkResult benchmark : run.getBenchmarkResults()) {
					for (IterationResult iteration : benchmark.getIterationResults()) {
						values.add(iteration.getPrimaryResult().getScore());
					}
				}
			}
		}
		List<Comparison> comparisons = new ArrayList<>();
		for (String operation : OPERATIONS) {
			Map<String, List<Double>> byPool = scores.get(operation);
			comparisons.add(new Comparison(operation, Score.of(byPool.get("starter")), Score.of(byPool.get("bare"))));
		}
		return new Result(comparisons, alternatingBlocks(benchmarkDatabase, settings), settings);
	}

	/** A new database with the table {@link PoolOverheadBenchmark} works on, seeded; returns its name. */
	static String createDatabase(NeonTestTopology topology) {
		String database = topology.createDatabase();
		topology.postgres()
			.execute(database, "CREATE TABLE " + PoolOverheadBenchmark.TABLE
					+ " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload text NOT NULL,"
					+ " created_at timestamptz NOT NULL DEFAULT now())",
					// The index an ORM finder on payload ordered by id has: without it the query's plan changes
					// as the insert workload grows the table (a parallel scan of millions of rows per query).
					"CREATE INDEX " + PoolOverheadBenchmark.TABLE + "_payload_id ON " + PoolOverheadBenchmark.TABLE
							+ " (payload, id)",
					"ALTER TABLE " + PoolOverheadBenchmark.TABLE + " OWNER TO " + NeonTestTopology.APP_USER,
					"INSERT INTO " + PoolOverheadBenchmark.TABLE + " (payload) SELECT '" + PoolOverheadBenchmark.SEED_PAYLOAD
							+ "' FROM generate_series(1, " + SEED_ROWS + ")");
		return database;
	}

	/**
	 * Both pools in this JVM, in alternating blocks of {@value #BLOCK} operations (the order within a round
	 * alternates too): the CPU time the calling thread spends per operation, which is what the starter adds on
	 * the client and barely depends on other load, and the wall time of each block, from which each round gives
	 * one throughput ratio. Pairing blocks a few milliseconds apart cancels the drift of the machine's load
	 * that makes separate JMH forks on two shared cores disagree by several percent.
	 */
	private static List<Alternating> alternatingBlocks(BenchmarkDatabase database, Settings settings)
			throws SQLException {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		List<Alternating> results = new ArrayList<>();
		try (StarterApplication application = StarterApplication.start(database, "neon.slow-query-threshold=1s");
				HikariDataSource bare = PoolOverheadBenchmark.sameSettingsAs(application.pooledDataSource())) {
			application.checkInstrumented();
			List<DataSource> pools = List.of(application.pooledDataSource(), bare);
			for (String operation : OPERATIONS) {
				List<List<Double>> cpu = List.of(new ArrayList<>(), new ArrayList<>());
				List<List<Double>> wall = List.of(new ArrayList<>(), new ArrayList<>());
				List<Double> ratios = new ArrayList<>();
				int warmup = settings.blocks() / 4;
				for (int round = 0; round < warmup + settings.blocks(); round++) {
					long[] wallNanos = new long[2];
					for (int i = 0; i < 2; i++) {
						int pool = (round % 2 == 0) ? i : 1 - i;
						long cpuStart = threads.getCurrentThreadCpuTime();
						long wallStart = System.nanoTime();
						for (int n = 0; n < BLOCK; n++) {
							PoolOverheadBenchmark.run(operation, pools.get(pool));
						}
						wallNanos[pool] = System.nanoTime() - wallStart;
						if (round >= warmup) {
							cpu.get(pool).add((threads.getCurrentThreadCpuTime() - cpuStart) / 1000.0 / BLOCK);
							wall.get(pool).add(wallNanos[pool] / 1000.0 / BLOCK);
						}
					}
					if (round >= warmup) {
						// Throughput ratio starter / bare = bare's time / the starter's time for the same work.
						ratios.add((double) wallNanos[1] / wallNanos[0]);
					}
				}
				results.add(new Alternating(operation, Score.of(cpu.get(0)), Score.of(cpu.get(1)), Score.of(wall.get(0)),
						Score.of(wall.get(1)), Score.of(ratios)));
			}
		}
		return results;
	}

	private static Collection<RunResult> runOnce(String target, String pool, Settings settings)
			throws RunnerException {
		List<String> jvmArgs = List.of("-Xms1g", "-Xmx1g", target);
		ChainedOptionsBuilder options = new OptionsBuilder().include(PoolOverheadBenchmark.class.getName() + "\\.")
			.param("pool", pool)
			.forks(1)
			.threads(1)
			.warmupIterations(settings.warmupIterations())
			.warmupTime(TimeValue.seconds(settings.iterationSeconds()))
			.measurementIterations(settings.measurementIterations())
			.measurementTime(TimeValue.seconds(settings.iterationSeconds()))
			.jvmArgs(jvmArgs.toArray(String[]::new))
			.shouldFailOnError(true);
		Collection<RunResult> results = new Runner(options.build()).run();
		if (results.size() != OPERATIONS.size()) {
			throw new IllegalStateException("JMH ran " + results.size() + " benchmarks for pool=" + pool);
		}
		return results;
	}

	/** How long JMH measures, and how many alternating blocks per pool. */
	record Settings(boolean quick, int warmupIterations, int measurementIterations, int iterationSeconds,
			int blocks) {

		static Settings of(boolean quick) {
			// JMH gives no error for fewer than 3 iterations.
			return quick ? new Settings(true, 1, 3, 1, 20) : new Settings(false, 3, 10, 3, 1000);
		}

		/** Measured iterations per pool and operation over the whole run. */
		int iterationsPerPool() {
			return this.measurementIterations * (this.quick ? 1 : 2);
		}

	}

	/**
	 * The alternating blocks of one operation: client CPU and wall time per operation (microseconds, one value
	 * per block of {@value #BLOCK}) and the throughput ratio starter / bare (one value per round).
	 */
	record Alternating(String operation, Score starterCpu, Score bareCpu, Score starterWall, Score bareWall,
			Score throughputRatio) {

		double addedCpu() {
			return this.starterCpu.mean() - this.bareCpu.mean();
		}

		double addedCpuError() {
			return Math.sqrt(this.starterCpu.error() * this.starterCpu.error()
					+ this.bareCpu.error() * this.bareCpu.error());
		}

	}

	/** A mean (here ops/s or µs) and JMH's error: the half-width of the 99.9 % confidence interval. */
	record Score(double mean, double error, int iterations) {

		static Score of(List<Double> iterations) {
			ListStatistics statistics = new ListStatistics();
			iterations.forEach(statistics::addValue);
			return new Score(statistics.getMean(), statistics.getMeanErrorAt(0.999), iterations.size());
		}

		/** Mean time per operation, microseconds. */
		double microsPerOperation() {
			return 1_000_000 / this.mean;
		}

	}

	/** The starter next to bare HikariCP for one operation. */
	record Comparison(String operation, Score starter, Score bare) {

		/** Starter throughput over bare throughput. */
		double ratio() {
			return this.starter.mean() / this.bare.mean();
		}

		/** The ratio's error, propagated to first order from both scores' relative errors. */
		double ratioError() {
			double starterRelative = this.starter.error() / this.starter.mean();
			double bareRelative = this.bare.error() / this.bare.mean();
			return ratio() * Math.sqrt(starterRelative * starterRelative + bareRelative * bareRelative);
		}

		/** What the starter adds to each operation, microseconds. */
		double addedMicros() {
			return this.starter.microsPerOperation() - this.bare.microsPerOperation();
		}

	}

	record Result(List<Comparison> comparisons, List<Alternating> alternating, Settings settings) {

	}

}
