package dev.neonstarter.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.testsupport.NeonTestTopology;

/**
 * Measurement 4: {@code callers} concurrent attempts to borrow a connection and use it ({@code SELECT 1}) from
 * the starter's pool of 10 while the pooled endpoint is down (PgBouncer stopped: new connections are refused,
 * open ones are reset), with the starter's fail-fast guarding the pool (the endpoint monitor and the {@code neon}
 * breaker) and without it (both off: HikariCP alone). Two waves: one right after the endpoint went down, the
 * next as soon as the first has ended (clients retrying).
 */
final class ConnectionStorm {

	static final int POOL_SIZE = 10;

	private static final Runnable NOTHING = () -> {
	};

	private ConnectionStorm() {
	}

	static Result run(Settings settings) throws Exception {
		List<Wave> waves = new ArrayList<>();
		for (boolean breaker : new boolean[] { true, false }) {
			// A topology of its own: its PgBouncer is stopped for good.
			try (NeonTestTopology topology = NeonTestTopology.start()) {
				BenchmarkDatabase database = BenchmarkDatabase.of(topology, topology.createDatabase());
				try (StarterApplication application = StarterApplication.start(database,
						"neon.resilience.fail-fast=" + breaker, "neon.monitor.enabled=" + breaker,
						"neon.pooled.hikari.maximum-pool-size=" + POOL_SIZE,
						"neon.pooled.hikari.connection-timeout=" + settings.connectionTimeoutMillis(),
						// Each failure would be logged otherwise.
						"logging.level.com.zaxxer.hikari=OFF")) {
					HikariDataSource pooled = application.pooledDataSource();
					waves.add(wave(breaker, 1, pooled, settings, () -> {
						// Traffic right up to the outage: the pool holds connections used a moment ago.
						if (storm(pooled, POOL_SIZE * 10, NOTHING).stream()
							.anyMatch((attempt) -> attempt.outcome() != Outcome.OK)) {
							throw new IllegalStateException("The pool failed before the outage");
						}
						topology.pgbouncer().close();
					}));
					waves.add(wave(breaker, 2, pooled, settings, NOTHING));
				}
			}
		}
		return new Result(waves, settings);
	}

	private static Wave wave(boolean breaker, int number, HikariDataSource pool, Settings settings,
			Runnable beforeRelease) {
		int[] connections = new int[1];
		List<Attempt> attempts = storm(pool, settings.callers(), () -> {
			beforeRelease.run();
			connections[0] = pool.getHikariPoolMXBean().getTotalConnections();
		});
		Wave wave = new Wave(breaker, number, connections[0], attempts);
		System.out.printf("storm breaker %s, wave %d: %s%n", breaker ? "on" : "off", number, wave.summary());
		return wave;
	}

	/**
	 * Starts {@code callers} platform threads, runs {@code beforeRelease} once they are all waiting, then lets
	 * them borrow and use a connection at the same moment.
	 */
	private static List<Attempt> storm(DataSource dataSource, int callers, Runnable beforeRelease) {
		ExecutorService threads = Executors.newFixedThreadPool(callers);
		try {
			CountDownLatch ready = new CountDownLatch(callers);
			CountDownLatch go = new CountDownLatch(1);
			List<Future<Attempt>> attempts = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				attempts.add(threads.submit(() -> {
					ready.countDown();
					go.await();
					return attempt(dataSource);
				}));
			}
			ready.await();
			beforeRelease.run();
			go.countDown();
			List<Attempt> results = new ArrayList<>();
			for (Future<Attempt> attempt : attempts) {
				results.add(attempt.get());
			}
			return results;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
		finally {
			threads.shutdownNow();
		}
	}

	private static Attempt attempt(DataSource dataSource) {
		long start = System.nanoTime();
		Outcome outcome;
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SELECT 1");
			outcome = Outcome.OK;
		}
		catch (NeonUnavailableException ex) {
			outcome = Outcome.NEON_UNAVAILABLE;
		}
		catch (SQLTransientConnectionException ex) {
			outcome = Outcome.POOL_TIMEOUT;
		}
		catch (SQLException ex) {
			outcome = Outcome.CONNECTION_ERROR;
		}
		return new Attempt(outcome, (System.nanoTime() - start) / 1e6);
	}

	enum Outcome {

		/** The statement ran. */
		OK("succeeded"),
		/** Refused at once, or released from the queue: {@link NeonUnavailableException}. */
		NEON_UNAVAILABLE("NeonUnavailableException"),
		/** HikariCP gave up after its connection timeout. */
		POOL_TIMEOUT("pool timeout"),
		/** A connection failed in use (reset by the stopped PgBouncer) or could not be made. */
		CONNECTION_ERROR("connection error");

		final String label;

		Outcome(String label) {
			this.label = label;
		}

	}

	record Attempt(Outcome outcome, double millis) {

	}

	/** One wave; {@code connections}: how many the pool held when it was released. */
	record Wave(boolean breaker, int number, int connections, List<Attempt> attempts) {

		List<Double> waits() {
			return this.attempts.stream().map(Attempt::millis).toList();
		}

		Map<Outcome, Long> outcomes() {
			Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
			this.attempts.forEach((attempt) -> counts.merge(attempt.outcome(), 1L, Long::sum));
			return counts;
		}

		String summary() {
			return String.format("median %s ms, p99 %s ms, max %s ms, %s", Stats.format(Stats.median(waits())),
					Stats.format(Stats.percentile(waits(), 99)), Stats.format(Stats.max(waits())), outcomes());
		}

	}

	/** How many callers, and the pool's connection timeout (the starter's 15 s, or 2 s in a quick run). */
	record Settings(int callers, long connectionTimeoutMillis) {

		static Settings of(boolean quick) {
			return quick ? new Settings(200, 2000) : new Settings(1000, 15000);
		}

	}

	record Result(List<Wave> waves, Settings settings) {

	}

}
