package dev.neonstarter.sample;

import java.util.Map;

import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app's actuator endpoints on the Neon-shaped topology (PgBouncer + TLS).
 */
@RequiresPgBouncer
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class NotesActuatorIntegrationTests {

	@LocalServerPort
	int port;

	RestClient http;

	@Autowired
	HealthEndpointGroups groups;

	@Autowired
	@Qualifier("neonCircuitBreaker")
	CircuitBreaker breaker;

	@DynamicPropertySource
	static void neon(DynamicPropertyRegistry registry) {
		NeonTestTopology topology = NeonTestTopology.shared();
		NeonTopologyProperties.register(registry, topology, topology.createDatabase());
	}

	@BeforeEach
	void client() {
		this.http = NeonTopologyProperties.http(this.port);
		// Some traffic, so the pools have something to report.
		this.http.post()
			.uri("/api/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("text", "actuator"))
			.retrieve()
			.toBodilessEntity();
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthShowsNeonWithPooledAndDirectInsteadOfDb() {
		Map<String, Object> health = get("/actuator/health");
		assertThat(health).containsEntry("status", "UP");
		Map<String, Object> components = (Map<String, Object>) health.get("components");
		assertThat(components).containsKey("neon").doesNotContainKey("db");
		Map<String, Object> neon = (Map<String, Object>) components.get("neon");
		Map<String, Object> neonComponents = (Map<String, Object>) neon.get("components");
		assertThat(neonComponents).containsOnlyKeys("pooled", "direct");
		Map<String, Object> pooledDetails = (Map<String, Object>) ((Map<String, Object>) neonComponents.get("pooled"))
			.get("details");
		assertThat(pooledDetails).containsEntry("reachable", true)
			.containsEntry("tls", Map.of("mode", "verify-full", "verified", true))
			.containsKeys("serverVersion", "pool")
			.containsEntry("circuitBreaker", "CLOSED");
	}

	@Test
	void readinessIncludesNeonAndLivenessDoesNot() {
		// The probe groups do not list their components over HTTP; ask the groups themselves.
		assertThat(this.groups.get("readiness").isMember("neon")).isTrue();
		assertThat(this.groups.get("readiness").isMember("neon/pooled")).isTrue();
		assertThat(this.groups.get("readiness").isMember("readinessState")).isTrue();
		assertThat(this.groups.get("liveness").isMember("neon")).isFalse();
		assertThat(this.groups.get("liveness").isMember("neon/pooled")).isFalse();
		assertThat(get("/actuator/health/readiness")).containsEntry("status", "UP");
		assertThat(get("/actuator/health/liveness")).containsEntry("status", "UP");
	}

	@Test
	void prometheusShowsBothPoolsAndNeonMeters() {
		String metrics = this.http.get().uri("/actuator/prometheus").retrieve().body(String.class);
		assertThat(metrics).contains("hikaricp_connections_max{pool=\"neon-pooled\"} 10.0")
			.contains("hikaricp_connections_max{pool=\"neon-direct\"} 2.0")
			.contains("neon_tls_verified{pool=\"neon-pooled\"} 1.0")
			.contains("neon_tls_verified{pool=\"neon-direct\"} 1.0")
			.contains("resilience4j_circuitbreaker_state{name=\"neon\",state=\"closed\"} 1.0")
			.containsPattern("neon_queries_seconds_count\\{error=\"none\",outcome=\"success\",pool=\"neon-pooled\"} [1-9]")
			.contains("neon_queries_active_seconds_count{pool=\"neon-pooled\"} 0");
	}

	@Test
	void repeatedIdempotencyKeyStoresTheNoteOnce() {
		Map<String, Object> first = post("once", "key-123");
		Map<String, Object> second = post("once", "key-123");
		assertThat(second.get("id")).isEqualTo(first.get("id"));
		Map<String, Object> other = post("once", "key-456");
		assertThat(other.get("id")).isNotEqualTo(first.get("id"));
	}

	@Test
	void openBreakerAnswers503WithRetryAfterAtOnce() {
		this.breaker.transitionToForcedOpenState();
		try {
			var response = this.http.get().uri("/api/notes").retrieve().toEntity(String.class);
			assertThat(response.getStatusCode().value()).isEqualTo(503);
			assertThat(response.getHeaders().getFirst("Retry-After")).isNotBlank();
			assertThat(response.getBody()).contains("temporarily unavailable");
		}
		finally {
			this.breaker.transitionToClosedState();
		}
	}

	private Map<String, Object> post(String text, String key) {
		return this.http.post()
			.uri("/api/notes")
			.header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("text", text))
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
	}

	@Test
	void secretsAreNotInActuatorOutput() {
		for (String path : new String[] { "/actuator/health", "/actuator/prometheus" }) {
			String body = this.http.get().uri(path).retrieve().body(String.class);
			assertThat(body).doesNotContain(NeonTestTopology.APP_PASSWORD)
				.doesNotContain(NeonTestTopology.MIGRATOR_PASSWORD);
		}
	}

	private Map<String, Object> get(String path) {
		return this.http.get().uri(path).retrieve().body(new ParameterizedTypeReference<>() {
		});
	}

}
