package dev.neonstarter.jdbc.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.pool.NeonDataSources;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both pools against a real PostgreSQL, with Flyway migrating through the direct pool as a separate
 * migration role that owns the schema while the application's role only has DML grants.
 */
class NeonDataSourceIntegrationTests {

	private static final AtomicInteger databases = new AtomicInteger();

	private static EmbeddedPostgres postgres;

	@BeforeAll
	static void startPostgres() throws SQLException, java.io.IOException {
		postgres = EmbeddedPostgres.builder().start();
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE ROLE migrator LOGIN PASSWORD 'migrator-pw'");
			statement.execute("CREATE ROLE app_user LOGIN PASSWORD 'app-pw'");
		}
	}

	private String database;

	/** A fresh database per test, owned by the migration role, so tests do not see each other's schema. */
	@BeforeEach
	void createDatabase() throws SQLException {
		this.database = "appdb_" + databases.incrementAndGet();
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + this.database + " OWNER migrator");
		}
	}

	@AfterAll
	static void stopPostgres() throws java.io.IOException {
		postgres.close();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
					DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class))
			.withPropertyValues(
					"neon.url=postgresql://app_user:app-pw@localhost:" + postgres.getPort() + "/" + this.database + "?sslmode=disable",
					"neon.direct.username=migrator", "neon.direct.password=migrator-pw",
					"spring.flyway.locations=classpath:db/it-migration");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void springFlywayUrlIsNotUsedAndTheLogSaysSo(CapturedOutput output) {
		runner().withPropertyValues("spring.flyway.url=jdbc:postgresql://localhost:1/elsewhere").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(org.flywaydb.core.Flyway.class).getConfiguration().getDataSource())
				.isSameAs(context.getBean(NeonDataSources.DIRECT_BEAN_NAME));
			assertThat(output).contains("spring.flyway.url is not used: Flyway migrates through neon-direct");
		});
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void springBootsHikariSettingsAreNotAppliedAndTheLogSaysSo(CapturedOutput output) {
		runner().withPropertyValues("spring.datasource.hikari.maximum-pool-size=30").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(NeonDataSources.POOLED_BEAN_NAME, HikariDataSource.class).getMaximumPoolSize())
				.isEqualTo(10);
			assertThat(output).containsOnlyOnce("spring.datasource.hikari.* is not used by the Neon pools:"
					+ " maximum-pool-size. Set them as neon.pooled.hikari.*");
		});
	}

	@Test
	void flywayMigratesThroughTheDirectPoolAsTheMigrationRole() {
		runner().withPropertyValues("spring.flyway.table=neon_schema_history").run((context) -> {
			assertThat(context).hasNotFailed();
			// The history table belongs to the migration role; the runtime role may not even read it.
			JdbcTemplate jdbc = new JdbcTemplate(
					context.getBean(NeonDataSources.DIRECT_BEAN_NAME, DataSource.class));
			// spring.flyway.* still applies, and the history records who ran the migration.
			List<String> installers = jdbc.queryForList(
					"SELECT installed_by FROM neon_schema_history WHERE success", String.class);
			assertThat(installers).containsExactly("migrator");
			assertThat(jdbc.queryForObject("SELECT tableowner FROM pg_tables WHERE tablename = 'widgets'",
					String.class))
				.isEqualTo("migrator");
		});
	}

	@Test
	void applicationTrafficUsesThePooledPoolAsTheRuntimeRole() {
		runner().run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			jdbc.update("INSERT INTO widgets (name) VALUES (?)", "sprocket");
			assertThat(jdbc.queryForObject("SELECT current_user", String.class)).isEqualTo("app_user");
			assertThat(jdbc.queryForObject("SHOW application_name", String.class)).isEqualTo("neon-pooled");
			assertThat(jdbc.queryForObject("SELECT count(*) FROM widgets WHERE name = 'sprocket'", Integer.class))
				.isEqualTo(1);
		});
	}

	@Test
	void bothPoolsConnectAndAreToldApartInPgStatActivity() {
		runner().run((context) -> {
			DataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME, DataSource.class);
			DataSource direct = context.getBean(NeonDataSources.DIRECT_BEAN_NAME, DataSource.class);
			try (Connection p = pooled.getConnection(); Connection d = direct.getConnection();
					Statement statement = d.createStatement();
					ResultSet rs = statement.executeQuery("SELECT DISTINCT usename, application_name FROM pg_stat_activity"
							+ " WHERE datname = '" + this.database + "' ORDER BY application_name")) {
				assertThat(p.isValid(5)).isTrue();
				assertThat(rs.next()).isTrue();
				assertThat(rs.getString("application_name")).isEqualTo("neon-direct");
				assertThat(rs.getString("usename")).isEqualTo("migrator");
				assertThat(rs.next()).isTrue();
				assertThat(rs.getString("application_name")).isEqualTo("neon-pooled");
				assertThat(rs.getString("usename")).isEqualTo("app_user");
				assertThat(rs.next()).isFalse();
			}
		});
	}

	@Test
	void runtimeRoleCannotChangeTheSchema() {
		runner().run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			org.assertj.core.api.Assertions
				.assertThatExceptionOfType(org.springframework.dao.DataAccessException.class)
				.isThrownBy(() -> jdbc.execute("DROP TABLE widgets"))
				.havingRootCause()
				.withMessageContaining("must be owner");
		});
	}

}
