package dev.neonstarter.sample;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.ReadReplicaServer;
import dev.neonstarter.testsupport.ReplicatedTopology;
import dev.neonstarter.testsupport.RequiresPgBaseBackup;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app with a read replica: the Neon-shaped topology as the primary and a streaming hot standby of its
 * PostgreSQL as the replica, which gets the schema (Flyway runs on the primary) and every note by replication.
 * {@code GET /api/notes} (a read-only transaction) is served by the replica, everything else by the primary: while
 * the replica's replay is paused, a new note is readable by id but not listed. While the replica is down, the
 * listing falls back to the primary and the application stays ready.
 */
@RequiresPgBouncer
@RequiresPgBaseBackup
@DirtiesContext
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "neon.read-replica.hikari.connection-timeout=1000")
class NotesReadReplicaIntegrationTests {

	@RegisterExtension
	static final ReplicatedTopology servers = new ReplicatedTopology();

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("neonReplicaDataSource")
	NeonHikariDataSource replicaPool;

	RestClient http;

	private final ReadReplicaServer replica = servers.replica();

	@DynamicPropertySource
	static void neon(DynamicPropertyRegistry registry) {
		NeonTestTopology topology = servers.topology();
		String database = topology.createDatabase();
		// The database reaches the replica by replication before the application connects to it.
		servers.replica().awaitReplay();
		NeonTopologyProperties.register(registry, topology, database);
		registry.add("neon.read-replica.url", () -> servers.replica().url(database, "sslmode=require"));
	}

	@BeforeEach
	void client() {
		this.http = NeonTopologyProperties.http(this.port);
		// What Flyway and earlier tests wrote on the primary is on the replica.
		this.replica.awaitReplay();
	}

	@Test
	void listingReadsFromTheReplicaAndASingleNoteFromThePrimary() {
		post("replicated before the pause");
		this.replica.awaitReplay();
		this.replica.pauseReplay();
		Map<String, Object> created;
		try {
			created = post("written to the primary");
			// The replica has not replayed the write: the listing, served by it, does not show it yet...
			assertThat(texts()).contains("replicated before the pause").doesNotContain("written to the primary");
			// ...while reading the note just created, on the primary, does (read-your-writes).
			assertThat(note(created.get("id"))).containsEntry("text", "written to the primary");
		}
		finally {
			this.replica.resumeReplay();
		}
		this.replica.awaitReplay();
		assertThat(texts()).contains("replicated before the pause", "written to the primary");
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthAndMetricsShowTheReplica() {
		// After the outage test the replica's breaker is half-open until its trial calls have succeeded.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			texts();
			assertThat(get("/actuator/health/neon/replica").get("details")).asInstanceOf(
					org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("circuitBreaker", "CLOSED");
		});
		Map<String, Object> health = get("/actuator/health");
		Map<String, Object> neon = (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("neon");
		Map<String, Object> components = (Map<String, Object>) neon.get("components");
		assertThat(components).containsOnlyKeys("pooled", "direct", "replica");
		Map<String, Object> replicaHealth = (Map<String, Object>) components.get("replica");
		assertThat(replicaHealth).containsEntry("status", "UP");
		assertThat((Map<String, Object>) replicaHealth.get("details")).containsEntry("reachable", true)
			.containsEntry("circuitBreaker", "CLOSED")
			.containsEntry("tls", Map.of("mode", "verify-full", "verified", true))
			.containsKey("fallback");
		String metrics = this.http.get().uri("/actuator/prometheus").retrieve().body(String.class);
		assertThat(metrics).contains("hikaricp_connections_max{pool=\"neon-replica\"} 10.0")
			.contains("hikaricp_connections_max{pool=\"neon-pooled\"} 10.0")
			.contains("hikaricp_connections_max{pool=\"neon-direct\"} 2.0")
			.contains("resilience4j_circuitbreaker_state{name=\"neon-replica\",state=\"closed\"} 1.0")
			.containsPattern("neon_queries_seconds_count\\{error=\"none\",outcome=\"success\",pool=\"neon-replica\"} [1-9]");
	}

	@Test
	@SuppressWarnings("unchecked")
	void whileTheReplicaIsDownTheListingFallsBackAndTheApplicationStaysReady() throws IOException {
		post("on the primary");
		this.replica.stop();
		try {
			// The stop ended the idle replica connections; HikariCP notices on the next borrow.
			this.replicaPool.getHikariPoolMXBean().softEvictConnections();
			assertThat(texts()).contains("on the primary");

			Map<String, Object> health = get("/actuator/health");
			assertThat(health).containsEntry("status", "UP");
			Map<String, Object> neon = (Map<String, Object>) ((Map<String, Object>) health.get("components"))
				.get("neon");
			assertThat(neon).containsEntry("status", "UP");
			Map<String, Object> replicaHealth = (Map<String, Object>) ((Map<String, Object>) neon.get("components"))
				.get("replica");
			assertThat(replicaHealth).containsEntry("status", "DEGRADED");
			Map<String, Object> fallback = (Map<String, Object>) ((Map<String, Object>) replicaHealth.get("details"))
				.get("fallback");
			assertThat(fallback).containsEntry("active", true).containsKey("lastReason");
			assertThat(get("/actuator/health/readiness")).containsEntry("status", "UP");
			String metrics = this.http.get().uri("/actuator/prometheus").retrieve().body(String.class);
			assertThat(metrics).containsPattern("neon_replica_fallbacks_total\\{reason=\"endpoint-down\"} [1-9]");
			// What the shipped alert rules and dashboard query only exists in an app like this one
			// (NotesPrometheusIntegrationTests checks the rest against a real Prometheus).
			assertThat(QueriedMetrics.inExposition(metrics)).containsAll(QueriedMetrics.REPLICA_ONLY)
				.containsAll(QueriedMetrics.exportedByTheApp());
		}
		finally {
			this.replica.start();
		}
		// Back on the replica: with its replay paused, a new note is not listed (the primary would list it).
		this.replica.awaitReplay();
		this.replica.pauseReplay();
		try {
			post("while the replica lags");
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(texts()).contains("on the primary")
					.doesNotContain("while the replica lags"));
		}
		finally {
			this.replica.resumeReplay();
		}
	}

	private List<Object> texts() {
		List<Map<String, Object>> notes = this.http.get()
			.uri("/api/notes")
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		return notes.stream().map((note) -> note.get("text")).toList();
	}

	private Map<String, Object> note(Object id) {
		return this.http.get().uri("/api/notes/{id}", id).retrieve().body(new ParameterizedTypeReference<>() {
		});
	}

	private Map<String, Object> post(String text) {
		return this.http.post()
			.uri("/api/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("text", text))
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
	}

	private Map<String, Object> get(String path) {
		return this.http.get().uri(path).retrieve().body(new ParameterizedTypeReference<>() {
		});
	}

}
