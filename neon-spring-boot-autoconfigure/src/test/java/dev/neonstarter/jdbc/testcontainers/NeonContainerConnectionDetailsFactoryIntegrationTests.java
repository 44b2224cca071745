package dev.neonstarter.jdbc.testcontainers;

import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.jdbc.autoconfigure.NeonConnectionDetails;
import dev.neonstarter.jdbc.autoconfigure.NeonDataSourceAutoConfiguration;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.testsupport.PostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code @ServiceConnection} factory without Docker: Spring Boot's service-connection machinery (the
 * factory found through {@code spring.factories}) is given PostgreSQL containers that are never started and
 * report a real embedded PostgreSQL as their address, so the pools and Flyway really connect.
 */
class NeonContainerConnectionDetailsFactoryIntegrationTests {

	private static PostgresServer postgres;

	@BeforeAll
	static void startPostgres(@TempDir java.nio.file.Path directory) {
		postgres = PostgresServer.plain(directory);
		postgres.execute("postgres", "CREATE DATABASE container_db");
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ServiceConnectionAutoConfiguration.class,
				NeonDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class,
				FlywayAutoConfiguration.class));

	@Test
	void postgresContainerPointsBothPoolsAndFlywayAtTheContainer() {
		this.runner.withUserConfiguration(PostgresContainerConfiguration.class)
			// A production TLS setting and the dev-time embedded database must not get in the way.
			.withPropertyValues("neon.ssl.mode=verify-full", "neon.embedded.enabled=true",
					"spring.flyway.locations=classpath:db/embedded-migration")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddedPostgres.class);
				assertThat(context).hasSingleBean(NeonConnectionDetails.class);
				// Spring Boot's own factory still contributes its JdbcConnectionDetails; ours wins for the pools.
				assertThat(context).hasSingleBean(JdbcConnectionDetails.class);
				String expectedUrl = "jdbc:postgresql://localhost:" + postgres.port() + "/container_db";
				for (String name : new String[] { NeonDataSources.POOLED_BEAN_NAME,
						NeonDataSources.DIRECT_BEAN_NAME }) {
					HikariDataSource pool = context.getBean(name, HikariDataSource.class);
					assertThat(pool.getJdbcUrl()).isEqualTo(expectedUrl);
					assertThat(pool.getUsername()).isEqualTo("postgres");
					assertThat(pool.getDataSourceProperties()).containsEntry("sslmode", "disable")
						.doesNotContainKey("sslfactory");
					assertThat(new JdbcTemplate(pool).queryForObject("SELECT current_database()", String.class))
						.isEqualTo("container_db");
				}
				assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource())
					.isSameAs(context.getBean(NeonDataSources.DIRECT_BEAN_NAME));
				assertThat(new JdbcTemplate(context.getBean(DataSource.class))
					.queryForObject("SELECT count(*) FROM flyway_schema_history WHERE success", Integer.class))
					.isPositive();
			});
	}

	@Test
	void testcontainers1StylePostgresContainerIsAccepted() {
		this.runner.withUserConfiguration(LegacyPostgresContainerConfiguration.class)
			.withPropertyValues("spring.flyway.enabled=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(NeonConnectionDetails.class);
				assertThat(context.getBean(NeonConnectionDetails.class).getDirect().port()).isEqualTo(postgres.port());
			});
	}

	@Test
	void otherDatabaseContainersAreLeftToSpringBoot() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ServiceConnectionAutoConfiguration.class))
			.withUserConfiguration(OtherDatabaseContainerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(JdbcConnectionDetails.class);
				assertThat(context).doesNotHaveBean(NeonConnectionDetails.class);
			});
	}

	@Test
	void containerUrlParametersAndCredentialsAreKept() {
		PostgreSQLContainer container = new AddressedPostgresContainer(
				"jdbc:postgresql://localhost:5999/db?loggerLevel=OFF&sslmode=require", "user", "p@ss");
		var connection = NeonContainerConnectionDetailsFactory.NeonContainerConnectionDetails.connection(container);
		assertThat(connection.parameters()).isEqualTo(Map.of("loggerLevel", "OFF", "sslmode", "require"));
		assertThat(connection.username()).isEqualTo("user");
		assertThat(connection.password()).isEqualTo("p@ss");
		assertThat(connection.toString()).doesNotContain("p@ss");
	}

	static String containerUrl() {
		return "jdbc:postgresql://localhost:" + postgres.port() + "/container_db?loggerLevel=OFF";
	}

	/** A PostgreSQL container that is never started and reports the given address. */
	static class AddressedPostgresContainer extends PostgreSQLContainer {

		private final String url;

		private final String username;

		private final String password;

		AddressedPostgresContainer(String url, String username, String password) {
			super("postgres:17-alpine");
			this.url = url;
			this.username = username;
			this.password = password;
		}

		@Override
		public void start() {
			// Spring Boot starts a container before reading it; this one has nothing to start.
		}

		@Override
		public String getJdbcUrl() {
			return this.url;
		}

		@Override
		public String getUsername() {
			return this.username;
		}

		@Override
		public String getPassword() {
			return this.password;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PostgresContainerConfiguration {

		@Bean
		@ServiceConnection
		PostgreSQLContainer postgresContainer() {
			return new AddressedPostgresContainer(containerUrl(), "postgres", "");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LegacyPostgresContainerConfiguration {

		@Bean
		@ServiceConnection
		@SuppressWarnings({ "deprecation", "rawtypes" })
		org.testcontainers.containers.PostgreSQLContainer<?> postgresContainer() {
			return new org.testcontainers.containers.PostgreSQLContainer("postgres:17-alpine") {
				@Override
				public void start() {
				}

				@Override
				public String getJdbcUrl() {
					return containerUrl();
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OtherDatabaseContainerConfiguration {

		@Bean
		@ServiceConnection
		JdbcDatabaseContainer<?> otherDatabaseContainer() {
			return new OtherDatabaseContainer();
		}

	}

	/** Some JDBC database that is not PostgreSQL. */
	static class OtherDatabaseContainer extends JdbcDatabaseContainer<OtherDatabaseContainer> {

		OtherDatabaseContainer() {
			super("example/otherdb:1");
		}

		@Override
		public String getDriverClassName() {
			return "org.example.Driver";
		}

		@Override
		public String getJdbcUrl() {
			return "jdbc:otherdb://localhost/db";
		}

		@Override
		public String getUsername() {
			return "user";
		}

		@Override
		public String getPassword() {
			return "password";
		}

		@Override
		protected String getTestQueryString() {
			return "SELECT 1";
		}

	}

}
