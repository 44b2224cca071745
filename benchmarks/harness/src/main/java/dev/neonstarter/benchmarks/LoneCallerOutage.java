package dev.neonstarter.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.testsupport.NeonTestTopology;

/**
 * Measurement 5: one caller, one write after another, while PostgreSQL is stopped and started again, on the
 * starter's pooled DataSource with its defaults (endpoint monitor, {@code neon} breaker, HikariCP's 15 s
 * connection timeout) and Neon's pooler settings (PgBouncer's {@code query_wait_timeout} 120 s,
 * {@code server_login_retry} 15 s). Twice: the pooled URL on PostgreSQL itself (a non-pooled endpoint) and on
 * PgBouncer. Recovery is timed from the moment PostgreSQL accepts connections again and, through PgBouncer,
 * from the moment a plain client's query through PgBouncer succeeds again.
 */
final class LoneCallerOutage {

	static final int REQUESTS = 20;

	private static final long RECOVERY_LIMIT_MILLIS = 120_000;

	private LoneCallerOutage() {
	}

	static Result run() throws Exception {
		List<Run> runs = new ArrayList<>();
		for (String endpoint : List.of("direct", "pgbouncer")) {
			// A topology of its own: PostgreSQL is stopped under it.
			try (NeonTestTopology topology = NeonTestTopology.start(NeonTestTopology.NEON_QUERY_WAIT_TIMEOUT_SECONDS)) {
				String name = topology.createDatabase();
				topology.postgres()
					.execute(name, "CREATE TABLE outage_writes (id int PRIMARY KEY)",
							"ALTER TABLE outage_writes OWNER TO " + NeonTestTopology.MIGRATOR,
							"GRANT SELECT, INSERT ON outage_writes TO " + NeonTestTopology.APP_USER);
				BenchmarkDatabase database = BenchmarkDatabase.of(topology, name);
				if (endpoint.equals("direct")) {
					database = new BenchmarkDatabase(database.directUrl(), database.directUrl(),
							database.rootCertificate());
				}
				try (StarterApplication application = StarterApplication.start(database,
						"logging.level.com.zaxxer.hikari=OFF", "logging.level.dev.neonstarter=OFF")) {
					runs.add(outage(endpoint, topology, name, application.pooledDataSource()));
				}
			}
		}
		return new Result(runs);
	}

	private static Run outage(String endpoint, NeonTestTopology topology, String database,
			NeonHikariDataSource pooled) throws Exception {
		int id = 0;
		if (write(pooled, ++id) != Outcome.OK) {
			throw new IllegalStateException("The pool failed before the outage");
		}
		topology.postgres().stop();
		List<Attempt> attempts = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			long start = System.nanoTime();
			Outcome outcome = write(pooled, ++id);
			attempts.add(new Attempt(outcome, (System.nanoTime() - start) / 1e6));
		}
		topology.postgres().start();
		long restarted = System.nanoTime();
		ExecutorService watcher = Executors.newSingleThreadExecutor();
		try {
			Future<Long> endpointBack = watcher.submit(() -> endpoint.equals("pgbouncer")
					? topology.millisUntilPgBouncerServes(database, restarted,
							Duration.ofMillis(RECOVERY_LIMIT_MILLIS)) : 0L);
			while (write(pooled, ++id) != Outcome.OK && millisSince(restarted) < RECOVERY_LIMIT_MILLIS) {
				Thread.sleep(10);
			}
			long recovered = millisSince(restarted);
			long back = endpointBack.get(RECOVERY_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
			Run run = new Run(endpoint, attempts, recovered, recovered - back);
			System.out.printf("outage %s: %s%n", endpoint, run.summary());
			return run;
		}
		finally {
			watcher.shutdownNow();
		}
	}

	private static Outcome write(NeonHikariDataSource pooled, int id) {
		try (Connection connection = pooled.getConnection();
				PreparedStatement statement = connection.prepareStatement("INSERT INTO outage_writes VALUES (?)")) {
			statement.setInt(1, id);
			statement.executeUpdate();
			return Outcome.OK;
		}
		catch (NeonUnavailableException ex) {
			return Outcome.NEON_UNAVAILABLE;
		}
		catch (SQLException ex) {
			return Outcome.ERROR;
		}
	}

	private static long millisSince(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
	}

	enum Outcome {

		/** The write was acknowledged. */
		OK,
		/** Refused at once: {@link NeonUnavailableException}. */
		NEON_UNAVAILABLE,
		/** Any other failure (a broken connection, PgBouncer's error, a timeout). */
		ERROR

	}

	record Attempt(Outcome outcome, double millis) {

	}

	/**
	 * @param recoveredMillis from PostgreSQL accepting connections again to the first acknowledged write
	 * @param afterEndpointMillis from the endpoint serving again (PgBouncer logging in again; PostgreSQL itself
	 * when direct) to the first acknowledged write
	 */
	record Run(String endpoint, List<Attempt> attempts, long recoveredMillis, long afterEndpointMillis) {

		Attempt first() {
			return this.attempts.get(0);
		}

		List<Double> restMillis() {
			return this.attempts.subList(1, this.attempts.size()).stream().map(Attempt::millis).toList();
		}

		long unavailable() {
			return this.attempts.stream().filter((attempt) -> attempt.outcome() == Outcome.NEON_UNAVAILABLE).count();
		}

		long slowerThan(double millis) {
			return this.attempts.stream().filter((attempt) -> attempt.millis() > millis).count();
		}

		String summary() {
			return String.format(
					"first %s ms (%s), requests 2-%d median %s ms, max %s ms, %d NeonUnavailableException, %d slower"
							+ " than 2 s; first write %d ms after PostgreSQL accepted connections, %d ms after the endpoint served again",
					Stats.format(first().millis()), first().outcome(), this.attempts.size(), Stats.format(Stats.median(restMillis())),
					Stats.format(Stats.max(restMillis())), unavailable(), slowerThan(2000), this.recoveredMillis,
					this.afterEndpointMillis);
		}

	}

	record Result(List<Run> runs) {

	}

}
