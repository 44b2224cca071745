package dev.neonstarter.sample;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sample app as a user starts it: no configuration, embedded PostgreSQL, real HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class NotesApplicationIntegrationTests {

	@LocalServerPort
	int port;

	RestClient http;

	@BeforeEach
	void client() {
		this.http = RestClient.create("http://localhost:" + this.port);
	}

	@Test
	void noteRoundTrips() {
		ResponseEntity<Map<String, Object>> created = this.http.post()
			.uri("/api/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("text", "hello neon"))
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		Object id = created.getBody().get("id");
		assertThat(created.getHeaders().getLocation()).hasPath("/api/notes/" + id);

		Map<String, Object> read = this.http.get().uri("/api/notes/{id}", id).retrieve().body(new ParameterizedTypeReference<>() {
		});
		assertThat(read).containsEntry("text", "hello neon").containsKey("createdAt");

		List<Map<String, Object>> all = this.http.get().uri("/api/notes").retrieve().body(new ParameterizedTypeReference<>() {
		});
		assertThat(all).extracting((note) -> note.get("text")).contains("hello neon");

		assertThat(this.http.delete().uri("/api/notes/{id}", id).retrieve().toBodilessEntity().getStatusCode())
			.isEqualTo(HttpStatus.NO_CONTENT);
		assertThatExceptionOfType(HttpClientErrorException.NotFound.class)
			.isThrownBy(() -> this.http.get().uri("/api/notes/{id}", id).retrieve().toBodilessEntity());
	}

	@Test
	void blankNoteIsABadRequest() {
		assertThatExceptionOfType(HttpClientErrorException.BadRequest.class).isThrownBy(() -> this.http.post()
			.uri("/api/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("text", " "))
			.retrieve()
			.toBodilessEntity());
	}

	@Test
	void healthIsUp() {
		Map<String, Object> health = this.http.get().uri("/actuator/health").retrieve().body(new ParameterizedTypeReference<>() {
		});
		assertThat(health).containsEntry("status", "UP");
	}

}
