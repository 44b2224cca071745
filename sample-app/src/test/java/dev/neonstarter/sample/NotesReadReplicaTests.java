package dev.neonstarter.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.neonstarter.autoconfigure.jdbc.NeonHikariDataSource;
import dev.neonstarter.autoconfigure.testsupport.NeonTestTopology;
import dev.neonstarter.autoconfigure.testsupport.ReadReplicaServer;
import dev.neonstarter.autoconfigure.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app with a read replica: the Neon-shaped topology as the primary and a second, read-only
 * PostgreSQL as the replica. The replica holds a note the primary does not, so the responses show which server
 * answered. {@code GET /api/notes} (a read-only transaction) is served by the replica, everything else by the
 * primary; while the replica is down, the listing falls back to the primary and the application stays ready.
 */
@RequiresPgBouncer
@DirtiesContext
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "neon.read-replica.hikari.connection-timeout=1000")
class NotesReadReplicaTests {

	private static final String ON_REPLICA_ONLY = "replicated before the test";

	private static ReadReplicaServer replica;

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("neonReplicaDataSource")
	NeonHikariDataSource replicaPool;

	RestClient http;

	@DynamicPropertySource
	static void neon(DynamicPropertyRegistry registry) {
		NeonTestTopology topology = NeonTestTopology.shared();
		String database = topology.createDatabase();
		replica = ReadReplicaServer.start(topology);
		// The replica has the schema (as replication would have brought it) and a note of its own.
		List<String> statements = new ArrayList<>(migrations());
		statements.add("GRANT SELECT ON notes TO " + NeonTestTopology.APP_USER);
		statements.add("INSERT INTO notes (text) VALUES ('" + ON_REPLICA_ONLY + "')");
		replica.createDatabase(database, statements.toArray(String[]::new));
		NeonTopologyProperties.register(registry, topology, database);
		registry.add("neon.read-replica.url", () -> replica.url(database, "sslmode=require"));
	}

	@AfterAll
	static void stopReplica() {
		replica.close();
	}

	@BeforeEach
	void client() {
		this.http = NeonTopologyProperties.http(this.port);
	}

	@Test
	void listingReadsFromTheReplicaAndASingleNoteFromThePrimary() {
		Map<String, Object> created = post("written to the primary");
		// The replica has not caught up with the write (here: it never will): the listing does not show it...
		assertThat(texts()).contains(ON_REPLICA_ONLY).doesNotContain("written to the primary");
		// ...while reading the note just created, on the primary, does (read-your-writes).
		Map<String, Object> read = this.http.get()
			.uri("/api/notes/{id}", created.get("id"))
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		assertThat(read).containsEntry("text", "written to the primary");
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthAndMetricsShowTheReplica() {
		texts();
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
	void whileTheReplicaIsDownTheListingFallsBackAndTheApplicationStaysReady() {
		post("on the primary");
		replica.stop();
		try {
			// The stop ended the idle replica connections; HikariCP notices on the next borrow.
			this.replicaPool.getHikariPoolMXBean().softEvictConnections();
			assertThat(texts()).contains("on the primary").doesNotContain(ON_REPLICA_ONLY);

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
			assertThat(this.http.get().uri("/actuator/prometheus").retrieve().body(String.class))
				.containsPattern("neon_replica_fallbacks_total\\{reason=\"endpoint-down\"} [1-9]");
		}
		finally {
			replica.start();
		}
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(texts()).contains(ON_REPLICA_ONLY));
	}

	private List<Object> texts() {
		List<Map<String, Object>> notes = this.http.get()
			.uri("/api/notes")
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		return notes.stream().map((note) -> note.get("text")).toList();
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

	/** The sample's Flyway migrations, in version order (fewer than ten, so names sort by version). */
	private static List<String> migrations() {
		try {
			Resource[] resources = new PathMatchingResourcePatternResolver()
				.getResources("classpath:db/migration/V*.sql");
			return Arrays.stream(resources)
				.sorted(Comparator.comparing(Resource::getFilename))
				.map(NotesReadReplicaTests::read)
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String read(Resource resource) {
		try {
			return resource.getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
