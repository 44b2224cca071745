package dev.neonstarter.jdbc.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.testsupport.NeonTestTopology;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's {@link JdbcConnectionDetails} (what Docker Compose and Boot's own service connections
 * provide) drive both Neon pools and Flyway, ahead of {@code neon.*} properties, against the test topology's
 * real PostgreSQL (TLS and SCRAM).
 */
class NeonJdbcConnectionDetailsIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
					DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class))
			// Properties that must NOT be used while connection details are present.
			.withPropertyValues("neon.url=postgresql://nobody:never-used@ep-unused-1-pooler.us-east-2.aws.neon.tech/x",
					"neon.ssl.mode=disable", "neon.embedded.enabled=true");
	}

	/** Connection details with TLS verified against the topology's CA, as the URL (not neon.ssl.*) says. */
	private JdbcConnectionDetails details(String database) {
		String url = "jdbc:postgresql://localhost:" + this.topology.postgres().port() + "/" + database
				+ "?sslmode=verify-full&sslrootcert=" + this.topology.certificates().caCertificate();
		return new TestJdbcConnectionDetails(url, NeonTestTopology.MIGRATOR, NeonTestTopology.MIGRATOR_PASSWORD);
	}

	@Test
	void bothPoolsAndFlywayUseTheJdbcConnectionDetails() {
		String database = this.topology.createDatabase();
		runner().withBean(JdbcConnectionDetails.class, () -> details(database))
			.withPropertyValues("spring.flyway.locations=classpath:db/it-migration")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddedPostgres.class);
				String expectedUrl = "jdbc:postgresql://localhost:" + this.topology.postgres().port() + "/" + database;
				for (String name : new String[] { NeonDataSources.POOLED_BEAN_NAME,
						NeonDataSources.DIRECT_BEAN_NAME }) {
					HikariDataSource pool = context.getBean(name, HikariDataSource.class);
					assertThat(pool.getJdbcUrl()).isEqualTo(expectedUrl);
					assertThat(pool.getUsername()).isEqualTo(NeonTestTopology.MIGRATOR);
					// The URL's TLS settings win over neon.ssl.mode=disable, and the server confirms TLS.
					assertThat(new JdbcTemplate(pool).queryForObject(
							"SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", Boolean.class))
						.isTrue();
				}
				DataSource flywayDataSource = context.getBean(Flyway.class).getConfiguration().getDataSource();
				assertThat(flywayDataSource)
					.isSameAs(context.getBean(NeonDataSources.DIRECT_BEAN_NAME));
				assertThat(new JdbcTemplate(context.getBean(DataSource.class))
					.queryForObject("SELECT count(*) FROM flyway_schema_history WHERE success", Integer.class))
					.isEqualTo(1);
				assertThat(context.getBean(NeonConnectionDetails.class).toString())
					.contains(TestJdbcConnectionDetails.class.getName())
					.doesNotContain(NeonTestTopology.MIGRATOR_PASSWORD);
			});
	}

	@Test
	void aNeonDirectHostInTheJdbcConnectionDetailsGivesBothEndpoints() {
		runner().withPropertyValues("neon.ssl.verify-on-startup=false", "spring.flyway.enabled=false")
			.withBean(JdbcConnectionDetails.class,
					() -> new TestJdbcConnectionDetails(
							"jdbc:postgresql://ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb", "app",
							"app-secret"))
			.run((context) -> {
				HikariDataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME,
						HikariDataSource.class);
				HikariDataSource direct = context.getBean(NeonDataSources.DIRECT_BEAN_NAME,
						HikariDataSource.class);
				assertThat(pooled.getJdbcUrl()).contains("//ep-cool-darkness-123456-pooler.us-east-2");
				assertThat(direct.getJdbcUrl()).contains("//ep-cool-darkness-123456.us-east-2");
				// Neon hosts are verified whatever the source.
				assertThat(pooled.getDataSourceProperties()).containsEntry("sslmode", "verify-full");
				assertThat(direct.getPassword()).isEqualTo("app-secret");
			});
	}

	@Test
	void aNonPostgresJdbcUrlFailsNamingTheSource() {
		runner().withBean(JdbcConnectionDetails.class,
				() -> new TestJdbcConnectionDetails("jdbc:mysql://localhost/app", "app", "s3cret-pw"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidNeonConnectionStringException.class)
				.hasMessageContaining("JdbcConnectionDetails")
				.hasMessageContaining("unsupported scheme 'jdbc:mysql'")
				.hasMessageNotContaining("s3cret-pw"));
	}

	record TestJdbcConnectionDetails(String getJdbcUrl, String getUsername,
			String getPassword) implements JdbcConnectionDetails {

		@Override
		public String toString() {
			return "TestJdbcConnectionDetails[" + this.getJdbcUrl + "]";
		}

	}

}
