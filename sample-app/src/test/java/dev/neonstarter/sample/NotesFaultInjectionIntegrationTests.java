package dev.neonstarter.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults injected under a steady request load on the sample app, through a real PgBouncer: the database
 * goes away and comes back (a Neon compute restarting), and every backend is terminated (a compute
 * suspending). Clients see fast 503s while Neon is down, no error for a suspend, and every write they were
 * told about is stored exactly once.
 */
@RequiresPgBouncer
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "neon.health.recheck-interval=0s", "neon.health.timeout=2s",
				"neon.pooled.hikari.connection-timeout=2000",
				// Long enough that the counting below happens while the breaker is certainly open.
				"resilience4j.circuitbreaker.instances.neon.wait-duration-in-open-state=15s" })
class NotesFaultInjectionIntegrationTests {

	private static NeonTestTopology topology;

	private static String database;

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("neonCircuitBreaker")
	CircuitBreaker breaker;

	@Autowired
	@Qualifier("neonRetry")
	Retry retry;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void neon(DynamicPropertyRegistry registry) {
		// Private: the tests stop the server. Queued queries give up after 5 s instead of Neon's 120 s.
		topology = NeonTestTopology.start(5);
		database = topology.createDatabase();
		NeonTopologyProperties.register(registry, topology, database);
	}

	@AfterAll
	static void stopTopology() {
		topology.close();
	}

	@Test
	void aComputeRestartUnderLoadFailsFastThenRecoversWithoutLosingAcknowledgedWrites() throws Exception {
		List<NotesLoad.Outcome> beforeRecovery;
		try (NotesLoad load = NotesLoad.writes(this.port, 6)) {
			await().atMost(Duration.ofSeconds(30)).until(() -> load.count(NotesLoad.Outcome::acknowledgedWrite) >= 30);
			long stopped = System.nanoTime();
			topology.postgres().stop();
			// The first failed connection attempt marks the endpoint down, and the monitor forces the breaker open.
			await().atMost(Duration.ofSeconds(60))
				.until(() -> this.breaker.getState() == CircuitBreaker.State.FORCED_OPEN);
			report("breaker forced open %d ms after the stop; failed requests until then: %d", stopped,
					load.count((outcome) -> outcome.startedNanos() > stopped && outcome.status() != 201));
			// Before the breaker opened, failures were "try again" (503 + Retry-After), never a 500.
			assertThat(load.outcomes()).filteredOn((outcome) -> outcome.status() != 201).allSatisfy((outcome) -> {
				assertThat(outcome.status()).isEqualTo(503);
				assertThat(outcome.retryAfter()).isTrue();
			});
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(status("/actuator/health/readiness")).isEqualTo(503));
			assertThat(status("/actuator/health/liveness")).isEqualTo(200);
			beforeRecovery = load.outcomes();
		}

		// Down: requests are answered 503 + Retry-After without a single connection acquisition, so none of them
		// waits for a connection timeout or PgBouncer's query_wait_timeout.
		double acquisitions = acquisitions();
		try (NotesLoad load = NotesLoad.writes(this.port, 6)) {
			await().atMost(Duration.ofSeconds(30)).until(() -> load.outcomes().size() >= 300);
			load.close();
			assertThat(load.outcomes()).allSatisfy((outcome) -> {
				assertThat(outcome.status()).isEqualTo(503);
				assertThat(outcome.retryAfter()).isTrue();
			});
			System.out.printf("[fault-injection] %d requests answered 503 while down, 0 acquisitions%n",
					load.outcomes().size());
		}
		assertThat(acquisitions()).isEqualTo(acquisitions);

		// The compute resumes: once PgBouncer logs in again (its server_login_retry), the monitor's next probe
		// connects, the breaker closes at once, and the same application serves again.
		topology.postgres().start();
		long restarted = System.nanoTime();
		try (NotesLoad load = NotesLoad.writes(this.port, 6)) {
			await().atMost(Duration.ofSeconds(60))
				.until(() -> this.breaker.getState() == CircuitBreaker.State.CLOSED);
			report("breaker closed %d ms after the restart", restarted);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(status("/actuator/health/readiness")).isEqualTo(200));
			int recovered = load.outcomes().size();
			await().atMost(Duration.ofSeconds(30)).until(() -> load.outcomes().size() >= recovered + 60);
			load.close();
			assertThat(load.outcomes().subList(recovered, load.outcomes().size()))
				.allSatisfy((outcome) -> assertThat(outcome.status()).isEqualTo(201));
			assertStoredExactlyOnce(beforeRecovery.stream().filter(NotesLoad.Outcome::acknowledgedWrite)
				.map(NotesLoad.Outcome::key).toList());
			assertStoredExactlyOnce(load.acknowledgedKeys());
		}
	}

	@Test
	void terminatingEveryBackendUnderLoadIsInvisibleToClients() throws Exception {
		double retriedBefore = this.retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt();
		int terminated = 0;
		try (NotesLoad load = NotesLoad.writesAndReads(this.port, 6)) {
			await().atMost(Duration.ofSeconds(30)).until(() -> load.count(NotesLoad.Outcome::acknowledgedWrite) >= 30);
			// As a suspend does: every session of the application's role ends, mid-statement or idle.
			for (int round = 0; round < 30
					&& (round < 3 || this.retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt() == retriedBefore); round++) {
				terminated += terminateApplicationBackends();
				Thread.sleep(300);
			}
			int afterFaults = load.outcomes().size();
			await().atMost(Duration.ofSeconds(30)).until(() -> load.outcomes().size() >= afterFaults + 30);
			load.close();

			assertThat(terminated).as("backends terminated").isPositive();
			System.out.printf("[fault-injection] %d backends terminated, %d requests, %d needed a retry%n", terminated,
					load.outcomes().size(),
					(long) (this.retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt() - retriedBefore));
			assertThat(this.retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt())
				.as("requests that succeeded on a retry").isGreaterThan((long) retriedBefore);
			assertThat(load.outcomes()).as("responses")
				.allSatisfy((outcome) -> assertThat(outcome.status()).isBetween(200, 299));
			assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			assertStoredExactlyOnce(load.acknowledgedKeys());
		}
	}

	private static void report(String format, long since, Object... more) {
		Object[] arguments = new Object[more.length + 1];
		arguments[0] = Duration.ofNanos(System.nanoTime() - since).toMillis();
		System.arraycopy(more, 0, arguments, 1, more.length);
		System.out.println("[fault-injection] " + String.format(format, arguments));
	}

	private int terminateApplicationBackends() {
		return admin().queryForObject("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
				+ " WHERE usename = ? AND pid <> pg_backend_pid()", Integer.class, NeonTestTopology.APP_USER);
	}

	/** Each key the clients were told about is stored once, with its own text; checked on the server. */
	private void assertStoredExactlyOnce(List<String> keys) {
		assertThat(keys).isNotEmpty();
		JdbcTemplate admin = admin();
		for (String key : keys) {
			List<Map<String, Object>> rows = admin.queryForList("SELECT text FROM notes WHERE idempotency_key = ?", key);
			assertThat(rows).as("notes stored for key %s", key).hasSize(1);
			assertThat(rows.get(0)).containsEntry("text", key);
		}
		assertThat(admin.queryForList("SELECT text FROM notes GROUP BY text HAVING count(*) > 1", String.class))
			.as("notes stored twice")
			.isEmpty();
	}

	private JdbcTemplate admin() {
		return new JdbcTemplate(topology.postgres().adminDataSource(database));
	}

	/** Connection acquisitions HikariCP has recorded for the pooled DataSource. */
	private double acquisitions() {
		return this.meters.get("hikaricp.connections.acquire").tag("pool", "neon-pooled").timer().count();
	}

	private int status(String path) {
		HttpStatusCode status = NeonTopologyProperties.http(this.port)
			.get()
			.uri(path)
			.retrieve()
			.toBodilessEntity()
			.getStatusCode();
		return status.value();
	}

}
