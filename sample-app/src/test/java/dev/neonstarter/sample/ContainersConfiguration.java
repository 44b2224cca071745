package dev.neonstarter.sample;

import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;

/**
 * A PostgreSQL container for both Neon DataSources, for tests and for {@link TestNotesApplication}.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ContainersConfiguration {

	@Bean
	@ServiceConnection
	PostgreSQLContainer postgres() {
		// Neon runs PostgreSQL 17 by default.
		return new PostgreSQLContainer("postgres:17-alpine");
	}

}
