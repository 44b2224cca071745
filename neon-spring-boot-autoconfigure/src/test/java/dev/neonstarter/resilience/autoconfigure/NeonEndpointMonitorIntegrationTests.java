package dev.neonstarter.resilience.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.health.NeonPoolHealthIndicator;
import dev.neonstarter.health.autoconfigure.NeonHealthProperties;
import dev.neonstarter.jdbc.autoconfigure.NeonTopologyContexts;
import dev.neonstarter.metrics.autoconfigure.NeonMetricsAutoConfiguration;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonEndpointMonitor;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.resilience.NeonOperations;
import dev.neonstarter.testsupport.FaultProxy;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The endpoint monitor on the real topology: a lone caller during a full outage of the endpoint (PostgreSQL
 * stopped, reached directly or through PgBouncer) fails fast after at most one slow failure, recovery follows
 * the endpoint within about a second, no acknowledged write is lost or doubled, and a slow connect (a compute
 * waking) never marks the endpoint down. Durations are printed and bounded generously (HikariCP's 15 s
 * connection timeout is what fast failures are told apart from); goal figures live in the benchmarks.
 */
@RequiresPgBouncer
class NeonEndpointMonitorIntegrationTests {

	private static final int REQUESTS = 20;

	/** HikariCP's connection timeout in the starter: what every caller waited before the monitor. */
	private static final long CONNECTION_TIMEOUT_MILLIS = 15_000;

	private static ApplicationContextRunner runner(NeonTestTopology topology, String database) {
		return NeonTopologyContexts.runner(topology, database)
			.withInitializer((context) -> new NeonResilienceDefaultsEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
					NeonResilienceAutoConfiguration.class, MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, NeonMetricsAutoConfiguration.class));
	}

	@Test
	void aLoneCallerFailsFastDuringAnOutageOfTheDirectEndpointAndRecoveryIsImmediate() {
		try (NeonTestTopology topology = NeonTestTopology.start(2)) {
			String database = prepare(topology);
			// Both pools on the non-pooled endpoint, as on a Neon endpoint used without its pooler.
			runner(topology, database).withPropertyValues("neon.url=" + topology.directUrl(database, ""))
				.run((context) -> outageAndRecovery(context, topology, database, "direct"));
		}
	}

	@Test
	void aLoneCallerFailsFastDuringAnOutageBehindPgBouncerAndRecoveryFollowsPgBouncer() {
		try (NeonTestTopology topology = NeonTestTopology.start(2)) {
			String database = prepare(topology);
			runner(topology, database).run((context) -> outageAndRecovery(context, topology, database, "pgbouncer"));
		}
	}

	@Test
	void callersWaitingInHikarisQueueAreReleasedWhenTheEndpointGoesDown() throws Exception {
		try (NeonTestTopology topology = NeonTestTopology.start(2)) {
			String database = prepare(topology);
			runner(topology, database)
				.withPropertyValues("neon.url=" + topology.directUrl(database, ""),
						"neon.pooled.hikari.maximum-pool-size=2")
				.run((context) -> {
					NeonHikariDataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME,
							NeonHikariDataSource.class);
					ExecutorService callers = Executors.newFixedThreadPool(6);
					try (Connection held = pooled.getConnection()) {
						// One connection is held, so the next callers wait in HikariCP's queue while it opens a
						// second one against a stopped server.
						topology.postgres().stop();
						List<Future<Throwable>> outcomes = new ArrayList<>();
						long start = System.nanoTime();
						for (int i = 0; i < 6; i++) {
							outcomes.add(callers.submit(() -> {
								try (Connection connection = pooled.getConnection()) {
									return null;
								}
								catch (SQLException ex) {
									return ex;
								}
							}));
						}
						for (Future<Throwable> outcome : outcomes) {
							assertThat(outcome.get(CONNECTION_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
								.isInstanceOf(NeonUnavailableException.class);
						}
						long millis = elapsedMillis(start);
						System.out.println("Waiting callers released after " + millis + " ms");
						assertThat(millis).isLessThan(CONNECTION_TIMEOUT_MILLIS / 3);
						assertThat(pooled.monitor().state()).isEqualTo(NeonEndpointMonitor.State.DOWN);
					}
					finally {
						callers.shutdownNow();
					}
					// The released callers' threads carry no interrupt the monitor caused.
					assertThat(Thread.currentThread().isInterrupted()).isFalse();
				});
		}
	}

	@Test
	void aSlowConnectOfAWakingComputeNeverMarksTheEndpointDown() {
		try (NeonTestTopology topology = NeonTestTopology.start(2)) {
			String database = prepare(topology);
			try (FaultProxy proxy = FaultProxy.start(topology.postgres().port())) {
				// Each chunk delayed by 250 ms: TLS and SCRAM take several round trips, so the first connect
				// takes a few seconds, as a compute waking from suspend may.
				proxy.latency(Duration.ofMillis(250));
				runner(topology, database).withPropertyValues("neon.url=" + topology.urlAt(proxy.port(), database, ""),
						"neon.ssl.verify-on-startup=false")
					.run((context) -> {
						NeonHikariDataSource pooled = context
							.getBean(NeonDataSources.POOLED_BEAN_NAME, NeonHikariDataSource.class);
						long start = System.nanoTime();
						try (Connection connection = pooled.getConnection()) {
							assertThat(connection.isValid(10)).isTrue();
						}
						long millis = elapsedMillis(start);
						System.out.println("Slow first connect took " + millis + " ms");
						assertThat(millis).isGreaterThan(2000);
						assertThat(pooled.monitor().state()).isEqualTo(NeonEndpointMonitor.State.UP);
						assertThat(pooled.monitor().lastTransition()).isNull();
						assertThat(context.getBean("neonCircuitBreaker", CircuitBreaker.class).getState())
							.isEqualTo(CircuitBreaker.State.CLOSED);
					});
			}
		}
	}

	private static void outageAndRecovery(AssertableApplicationContext context, NeonTestTopology topology,
			String database, String label) throws Exception {
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		NeonHikariDataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME,
				NeonHikariDataSource.class);
		CircuitBreaker breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
		NeonPoolHealthIndicator health = new NeonPoolHealthIndicator(pooled, new NeonHealthProperties().toSettings());
		Set<Integer> acknowledged = new TreeSet<>();
		int id = 0;
		assertThat(write(jdbc, ++id)).isNull();
		acknowledged.add(id);

		topology.postgres().stop();
		List<Long> durations = new ArrayList<>();
		List<Throwable> failures = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			long start = System.nanoTime();
			Throwable failure = write(jdbc, ++id);
			durations.add(elapsedMillis(start));
			if (failure == null) {
				acknowledged.add(id);
			}
			failures.add(failure);
		}
		System.out.println("Outage (" + label + "), request durations in ms: " + durations);
		assertThat(durations.stream().filter((millis) -> millis > 2000)).hasSizeLessThanOrEqualTo(1);
		assertThat(failures.subList(1, REQUESTS)).allSatisfy((failure) -> assertThat(failure)
			.hasCauseInstanceOf(NeonUnavailableException.class));
		assertThat(durations.subList(1, REQUESTS)).allSatisfy((millis) -> assertThat(millis).isLessThan(1000));
		assertThat(pooled.monitor().state()).isEqualTo(NeonEndpointMonitor.State.DOWN);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);
		// NeonOperations does not retry while the endpoint is down: one attempt, refused at once.
		AtomicInteger attempts = new AtomicInteger();
		int retried = ++id;
		assertThatException().isThrownBy(() -> context.getBean(NeonOperations.class).execute(() -> {
			attempts.incrementAndGet();
			return jdbc.update("INSERT INTO writes (id) VALUES (?)", retried);
		})).withCauseInstanceOf(NeonUnavailableException.class);
		assertThat(attempts).hasValue(1);
		Health down = health.health();
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails()).containsEntry("endpoint", "DOWN")
			.containsEntry("circuitBreaker", "FORCED_OPEN")
			.containsKey("endpointSince");
		MeterRegistry registry = context.getBean(MeterRegistry.class);
		assertThat(endpointUp(registry, "neon-pooled")).isZero();
		assertThat(endpointUp(registry, "neon-direct")).isOne();
		assertThat(registry.get(NeonMetricsAutoConfiguration.CONNECTION_FAILURES)
			.tag("pool", "neon-pooled")
			.counters()).isNotEmpty();

		topology.postgres().start();
		long restarted = System.nanoTime();
		// Through PgBouncer the endpoint is back only once PgBouncer logs in again (server_login_retry after
		// its last failed login): a client of its own tells when.
		ExecutorService watcher = Executors.newSingleThreadExecutor();
		Future<Long> endpointBack = watcher.submit(() -> label.equals("pgbouncer")
				? topology.millisUntilPgBouncerServes(database, restarted, Duration.ofSeconds(60)) : 0L);
		Throwable failure;
		do {
			failure = write(jdbc, ++id);
			if (failure == null) {
				acknowledged.add(id);
			}
			else {
				Thread.sleep(10);
			}
		}
		while (failure != null && elapsedMillis(restarted) < 60_000);
		long recovery = elapsedMillis(restarted);
		long back = endpointBack.get(60, TimeUnit.SECONDS);
		watcher.shutdownNow();
		System.out.println("Recovery (" + label + "): first successful request " + recovery
				+ " ms after PostgreSQL accepted connections again, " + (recovery - back)
				+ " ms after the endpoint served its first query again");
		assertThat(failure).isNull();
		assertThat(recovery - back).isLessThan(5000);
		assertThat(pooled.monitor().state()).isEqualTo(NeonEndpointMonitor.State.UP);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(health.health().getDetails()).containsEntry("endpoint", "UP");
		assertThat(endpointUp(registry, "neon-pooled")).isOne();
		// Every acknowledged write stored, each once (a failed one may have been stored too: not acknowledged).
		assertThat(jdbc.queryForList("SELECT id FROM writes ORDER BY id", Integer.class)).containsAll(acknowledged)
			.doesNotHaveDuplicates();
	}

	private static double endpointUp(MeterRegistry registry, String pool) {
		return registry.get(NeonMetricsAutoConfiguration.ENDPOINT_UP).tag("pool", pool).gauge().value();
	}

	private static String prepare(NeonTestTopology topology) {
		String database = topology.createDatabase();
		topology.postgres().execute(database, "CREATE TABLE writes (id int PRIMARY KEY)",
				"ALTER TABLE writes OWNER TO " + NeonTestTopology.MIGRATOR,
				"GRANT SELECT, INSERT ON writes TO " + NeonTestTopology.APP_USER);
		return database;
	}

	/** One request: an insert; returns its failure, or {@code null} when it was acknowledged. */
	private static Throwable write(JdbcTemplate jdbc, int id) {
		try {
			jdbc.update("INSERT INTO writes (id) VALUES (?)", id);
			return null;
		}
		catch (RuntimeException ex) {
			return ex;
		}
	}

	private static long elapsedMillis(long startNanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
	}

}
