package dev.neonstarter.sample;

import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notes app on a PostgreSQL container through {@code @ServiceConnection}: both Neon DataSources and
 * Flyway use the container, and the dev profile's embedded database is not started. Needs Docker; skipped
 * ("Docker is not available") where there is none.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(ContainersConfiguration.class)
class NotesContainerIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	PostgreSQLContainer postgres;

	@Autowired
	Map<String, HikariDataSource> pools;

	@Test
	void bothPoolsUseTheContainer() {
		assertThat(this.pools).containsKeys("neonPooledDataSource", "neonDirectDataSource");
		String containerUrl = this.postgres.getJdbcUrl();
		this.pools.values()
			.forEach((pool) -> assertThat(containerUrl).startsWith(pool.getJdbcUrl()));
	}

	@Test
	void notesAreStoredInTheContainer() {
		RestClient http = RestClient.create("http://localhost:" + this.port);
		assertThat(http.post()
			.uri("/api/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("text", "in a container"))
			.retrieve()
			.toEntity(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.getStatusCode()).isEqualTo(HttpStatus.CREATED);
	}

}
