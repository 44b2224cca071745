package dev.neonstarter.sample;

import java.time.Duration;
import java.util.Map;

import dev.neonstarter.autoconfigure.testsupport.NeonTestTopology;
import dev.neonstarter.autoconfigure.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL goes away behind PgBouncer (as when a Neon compute restarts) and comes back: readiness follows
 * the database, liveness does not, and the application recovers without a restart.
 */
@RequiresPgBouncer
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "neon.health.recheck-interval=0s", "neon.health.timeout=2s",
				"neon.pooled.hikari.connection-timeout=2000" })
class NotesOutageTests {

	private static NeonTestTopology topology;

	@LocalServerPort
	int port;

	RestClient http;

	@DynamicPropertySource
	static void neon(DynamicPropertyRegistry registry) {
		// Private: this test stops the server. Queued queries give up after 5 s instead of Neon's 120 s.
		topology = NeonTestTopology.start(5);
		NeonTopologyProperties.register(registry, topology, topology.createDatabase());
	}

	@AfterAll
	static void stopTopology() {
		topology.close();
	}

	@BeforeEach
	void client() {
		this.http = NeonTopologyProperties.http(this.port);
	}

	@Test
	void readinessFollowsTheDatabaseAndLivenessDoesNot() {
		assertThat(createNote("before")).isEqualTo(HttpStatusCode.valueOf(201));
		assertThat(status("/actuator/health/readiness")).isEqualTo(HttpStatusCode.valueOf(200));

		topology.postgres().stop();
		// The application's traffic runs into the outage...
		// (a 503, "try again": PgBouncer's query_wait_timeout is a transient connection failure, not a bug)
		assertThat(createNote("during")).isEqualTo(HttpStatusCode.valueOf(503));
		// ...and the pod is taken out of rotation, but not restarted.
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(status("/actuator/health/readiness")).isEqualTo(HttpStatusCode.valueOf(503)));
		assertThat(status("/actuator/health/liveness")).isEqualTo(HttpStatusCode.valueOf(200));

		topology.postgres().start();
		// No traffic reaches a pod that is not ready: the probe itself must notice the recovery.
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(status("/actuator/health/readiness")).isEqualTo(HttpStatusCode.valueOf(200)));
		assertThat(createNote("after")).isEqualTo(HttpStatusCode.valueOf(201));
	}

	private HttpStatusCode createNote(String text) {
		return this.http.post()
			.uri("/api/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("text", text))
			.retrieve()
			.toBodilessEntity()
			.getStatusCode();
	}

	private HttpStatusCode status(String path) {
		return this.http.get().uri(path).retrieve().toBodilessEntity().getStatusCode();
	}

}
