package dev.neonstarter.resilience.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.jdbc.autoconfigure.NeonTopologyContexts;
import dev.neonstarter.pool.NeonEndpointMonitor;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.resilience.NeonOperations;
import dev.neonstarter.testsupport.FaultProxy;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * The network between the application and Neon's pooler misbehaves, through a {@link FaultProxy} in front of a
 * real PgBouncer: latency is not a failure, cut connections are retried without losing or duplicating writes,
 * and a black hole opens the breaker so that callers stop waiting for timeouts.
 */
@RequiresPgBouncer
class NeonNetworkFaultIntegrationTests {

	private static NeonTestTopology topology;

	private String database;

	private FaultProxy proxy;

	@BeforeAll
	static void startTopology() {
		// Private: the black hole leaves PgBouncer with abandoned clients.
		topology = NeonTestTopology.start(5);
	}

	@AfterAll
	static void stopTopology() {
		topology.close();
	}

	@BeforeEach
	void startProxy() {
		this.database = topology.createDatabase();
		topology.postgres()
			.execute(this.database, "CREATE TABLE events (key text PRIMARY KEY, written_at timestamptz DEFAULT now())",
					"GRANT SELECT, INSERT ON events TO " + NeonTestTopology.APP_USER);
		this.proxy = FaultProxy.start(topology.pgbouncer().port());
	}

	@AfterEach
	void stopProxy() {
		this.proxy.close();
	}

	private ApplicationContextRunner runner(String... properties) {
		return NeonTopologyContexts.runner(topology, this.database)
			.withInitializer((context) -> new NeonResilienceDefaultsEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withConfiguration(AutoConfigurations.of(NeonResilienceAutoConfiguration.class))
			.withPropertyValues("neon.url=" + topology.urlAt(this.proxy.port(), this.database, ""),
					"resilience4j.retry.instances.neon.wait-duration=100ms")
			.withPropertyValues(properties);
	}

	@Test
	void latencyIsNotAFailure() {
		runner().run((context) -> {
			NeonOperations neon = context.getBean(NeonOperations.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			CircuitBreaker breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
			this.proxy.latency(Duration.ofMillis(100));
			for (int i = 0; i < 10; i++) {
				assertThat(neon.execute(() -> jdbc.queryForObject("SELECT 1", Integer.class))).isOne();
			}
			// A statement that takes seconds is slow, not a sign that Neon is down.
			neon.execute(() -> jdbc.queryForObject("SELECT pg_sleep(2)::text", String.class));
			assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
			assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isGreaterThanOrEqualTo(11);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		});
	}

	@Test
	void connectionsResetUnderLoadAreRetriedAndEveryWriteLandsOnce() {
		runner().run((context) -> {
			NeonOperations neon = context.getBean(NeonOperations.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			Retry retry = context.getBean("neonRetry", Retry.class);
			CircuitBreaker breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
			Map<String, Throwable> surfaced = new ConcurrentHashMap<>();
			List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
			AtomicBoolean running = new AtomicBoolean(true);
			ExecutorService writers = Executors.newFixedThreadPool(4);
			List<Future<?>> futures = new ArrayList<>();
			for (int w = 0; w < 4; w++) {
				int writer = w;
				futures.add(writers.submit(() -> {
					for (int i = 0; running.get(); i++) {
						String key = writer + "-" + i;
						try {
							// Idempotent write: a retry after a lost acknowledgement must not fail or insert twice.
							neon.execute(() -> jdbc.update(
									"INSERT INTO events (key) VALUES (?) ON CONFLICT (key) DO NOTHING", key));
							acknowledged.add(key);
						}
						catch (RuntimeException ex) {
							surfaced.put(key, ex);
						}
					}
				}));
			}
			int resets = 0;
			for (int round = 0; round < 40 && (resets < 5 || retriedCalls(retry) == 0); round++) {
				Thread.sleep(150);
				resets += this.proxy.resetAll();
			}
			running.set(false);
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
			writers.shutdown();

			assertThat(resets).as("connections cut").isGreaterThanOrEqualTo(5);
			// A reset that also cuts connection attempts (the probe's too) takes the endpoint down: then callers
			// are refused at once, never left waiting, and the endpoint is up again once a probe gets through.
			assertThat(surfaced.values()).as("failures seen by callers").allSatisfy((failure) -> assertThat(failure)
				.hasCauseInstanceOf(NeonUnavailableException.class));
			if (surfaced.isEmpty()) {
				assertThat(retriedCalls(retry)).as("calls that needed a retry").isPositive();
			}
			NeonHikariDataSource pooled = context.getBean(NeonHikariDataSource.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> pooled.monitor().state() == NeonEndpointMonitor.State.UP);
			// The cut statements may also have opened the breaker by its failure rate (the monitor only closes what
			// it forced open): it closes after its open state, once its trial calls succeed.
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(100))
				.ignoreExceptions()
				.untilAsserted(() -> {
					jdbc.queryForObject("SELECT 1", Integer.class);
					assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
				});
			// Every acknowledged write is there exactly once. Anything else stored is a write whose caller was told
			// it failed: a connection cut after the commit, then the retry refused because the endpoint was down,
			// leaves the outcome unknown to the caller (as with any database), never a duplicate.
			List<String> stored = jdbc.queryForList("SELECT key FROM events", String.class);
			assertThat(stored).doesNotHaveDuplicates().containsAll(acknowledged);
			assertThat(stored).as("stored writes neither acknowledged nor failed")
				.allMatch((key) -> acknowledged.contains(key) || surfaced.containsKey(key));
		});
	}

	@Test
	void aBlackHoleOpensTheBreakerAndThenCallersFailFastWhileOnlyTheProbeTouchesTheNetwork() {
		// socketTimeout bounds statements already on the wire: without it they wait for TCP to give up (hours).
		runner("neon.url=" + topology.urlAt(this.proxy.port(), this.database, "socketTimeout=3"),
				"neon.pooled.hikari.connection-timeout=1000",
				"resilience4j.circuitbreaker.instances.neon.wait-duration-in-open-state=10s")
			.run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				DataSource pooled = context.getBean(DataSource.class);
				CircuitBreaker breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
				AtomicBoolean running = new AtomicBoolean(true);
				AtomicInteger unavailable = new AtomicInteger();
				ExecutorService callers = Executors.newFixedThreadPool(3);
				for (int c = 0; c < 3; c++) {
					callers.execute(() -> {
						while (running.get()) {
							try {
								jdbc.queryForObject("SELECT 1", Integer.class);
							}
							catch (RuntimeException ex) {
								if (ex.getCause() instanceof NeonUnavailableException) {
									unavailable.incrementAndGet();
								}
							}
						}
					});
				}
				Thread.sleep(500);
				this.proxy.blackHole();
				// A connection attempt into the black hole times out: the endpoint monitor forces the breaker open.
				await().atMost(Duration.ofSeconds(30))
					.until(() -> breaker.getState() == CircuitBreaker.State.FORCED_OPEN);
				running.set(false);
				callers.shutdown();
				assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

				// While the endpoint is down no call reaches the pool or the network: none waits a timeout. Only
				// the monitor's probe connects, one attempt at a time, at least 200 ms apart.
				int connectionAttempts = this.proxy.acceptedConnections();
				long start = System.nanoTime();
				int failedFast = 0;
				for (int i = 0; i < 200; i++) {
					try {
						jdbc.queryForObject("SELECT 1", Integer.class);
					}
					catch (RuntimeException ex) {
						if (ex.getCause() instanceof NeonUnavailableException) {
							failedFast++;
						}
					}
				}
				long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				assertThat(failedFast).isEqualTo(200);
				assertThat(this.proxy.acceptedConnections() - connectionAttempts)
					.isLessThanOrEqualTo(1 + (int) (elapsedMillis / 200));
				assertThat(pooled.unwrap(HikariDataSource.class).getHikariPoolMXBean().getThreadsAwaitingConnection())
					.isZero();

				// The network heals: the probe connects and the breaker closes, with no open wait.
				this.proxy.heal();
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
					try {
						jdbc.queryForObject("SELECT 1", Integer.class);
					}
					catch (RuntimeException ex) {
						// the pool may still hand out a connection that was black-holed; it is evicted
					}
					assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
				});
				assertThat(jdbc.queryForObject("SELECT 1", Integer.class)).isOne();
			});
	}

	@Test
	void aStatementOnABlackHoledConnectionFailsInBoundedTimeWithoutASocketTimeout() {
		// No socketTimeout: the endpoint monitor's stall watch bounds the wait.
		runner("neon.monitor.stall-timeout=1s", "neon.monitor.probe-connect-timeout=1s").run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("SELECT 1", Integer.class)).isOne();
			this.proxy.blackHole();
			long start = System.nanoTime();
			assertThatException().isThrownBy(() -> jdbc.queryForObject("SELECT 2", Integer.class));
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			System.out.println("Black-holed statement failed after " + millis + " ms");
			// Stall timeout, plus the watch's period, plus the probe's timeout: seconds, not TCP's hours.
			assertThat(millis).isLessThan(20_000);
		});
	}

	@Test
	void aLongStatementOnAReachableEndpointIsNotCutShortByTheStallWatch() {
		// A probe's timeout long enough for TLS and SCRAM through the proxy on a loaded machine: what is tested is
		// that a probe that gets through leaves the statement alone.
		runner("neon.monitor.stall-timeout=500ms", "neon.monitor.probe-connect-timeout=5s").run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			// Six times the stall timeout: the probe finds the endpoint answering each time.
			assertThat(jdbc.queryForObject("SELECT pg_sleep(3)::text", String.class)).isEmpty();
			assertThat(context.getBean(NeonHikariDataSource.class).monitor().state())
				.isEqualTo(NeonEndpointMonitor.State.UP);
		});
	}

	private static int retriedCalls(Retry retry) {
		return (int) retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt();
	}

}
