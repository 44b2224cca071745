package dev.neonstarter.jdbc.autoconfigure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What transaction pooling does to session state, shown through a real PgBouncer, and why the starter
 * routes migrations and session features to the direct endpoint.
 * <p>
 * Several tests use PgBouncer's LIFO server reuse ({@code server_round_robin = 0}) to make the hand-over
 * deterministic: a client that opens a transaction right after another client's statement gets the server
 * connection that statement ran on, so the first client's next statement runs on a different one.
 */
@RequiresPgBouncer
class NeonPgBouncerSemanticsIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private String database;

	@BeforeEach
	void createDatabase() {
		this.database = this.topology.createDatabase();
	}

	@Test
	void serverPreparedStatementsBreakOnPgBouncer118() {
		NeonTopologyContexts.runner(this.topology, this.database)
			.withPropertyValues("neon.pooled.prepared-statements=server")
			.run((context) -> assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> runPreparedStatementAcrossServerConnections(pooled(context)))
				// Named statements live on server connections: a client finds its own missing on the next one,
				// or another client's of the same name already there.
				.withMessageMatching(".*prepared statement \"S_\\d+\" (does not exist|already exists).*"));
	}

	@Test
	void disabledPreparedStatementsWorkOnPgBouncer118() throws Exception {
		NeonTopologyContexts.runner(this.topology, this.database)
			.run((context) -> assertThat(runPreparedStatementAcrossServerConnections(pooled(context))).isEqualTo(42));
	}

	@Test
	void sessionSettingsDoNotStayWithTheClientThroughThePooler() {
		NeonTopologyContexts.runner(this.topology, this.database).run((context) -> {
			try (Connection a = pooled(context).getConnection(); Connection b = pooled(context).getConnection()) {
				execute(a, "SET statement_timeout = '123s'");
				b.setAutoCommit(false);
				// b now holds the server connection a's SET ran on, and sees a's setting.
				assertThat(queryString(b, "SHOW statement_timeout")).isEqualTo("123s");
				// a's next statement runs elsewhere: its own setting is gone.
				assertThat(queryString(a, "SHOW statement_timeout")).isEqualTo("0");
				b.rollback();
			}
		});
	}

	@Test
	void sessionSettingsStayWithTheClientOnTheDirectEndpoint() {
		NeonTopologyContexts.runner(this.topology, this.database).run((context) -> {
			try (Connection a = direct(context).getConnection(); Connection b = direct(context).getConnection()) {
				execute(a, "SET statement_timeout = '123s'");
				b.setAutoCommit(false);
				assertThat(queryString(b, "SHOW statement_timeout")).isEqualTo("0");
				assertThat(queryString(a, "SHOW statement_timeout")).isEqualTo("123s");
				b.rollback();
			}
		});
	}

	@Test
	void sessionAdvisoryLocksDoNotExcludeThroughThePooler() {
		NeonTopologyContexts.runner(this.topology, this.database).run((context) -> {
			try (Connection a = pooled(context).getConnection(); Connection b = pooled(context).getConnection()) {
				assertThat(queryString(a, "SELECT pg_try_advisory_lock(42)::text")).isEqualTo("true");
				b.setAutoCommit(false);
				// The lock belongs to the server session, which b now uses: b "gets" a lock a holds.
				assertThat(queryString(b, "SELECT pg_try_advisory_lock(42)::text")).isEqualTo("true");
				b.rollback();
			}
		});
	}

	@Test
	void sessionAdvisoryLocksExcludeOnTheDirectEndpoint() {
		NeonTopologyContexts.runner(this.topology, this.database).run((context) -> {
			try (Connection a = direct(context).getConnection(); Connection b = direct(context).getConnection()) {
				assertThat(queryString(a, "SELECT pg_try_advisory_lock(42)::text")).isEqualTo("true");
				assertThat(queryString(b, "SELECT pg_try_advisory_lock(42)::text")).isEqualTo("false");
				execute(a, "SELECT pg_advisory_unlock(42)");
			}
		});
	}

	@Test
	void listenNotifyWorksOnTheDirectEndpoint() {
		NeonTopologyContexts.runner(this.topology, this.database).run((context) -> {
			try (Connection listener = direct(context).getConnection();
					Connection notifier = direct(context).getConnection()) {
				execute(listener, "LISTEN neon_events");
				execute(notifier, "NOTIFY neon_events, 'hello'");
				execute(listener, "SELECT 1");
				org.postgresql.PGNotification[] notifications = listener.unwrap(org.postgresql.PGConnection.class)
					.getNotifications(5000);
				assertThat(notifications).extracting(org.postgresql.PGNotification::getParameter)
					.containsExactly("hello");
			}
		});
	}

	@Test
	void flywayMigratesOnDirectWhileThePooledPoolServesTraffic() throws Exception {
		NeonTopologyContexts.runner(this.topology, this.database)
			.withPropertyValues("spring.flyway.enabled=true", "spring.flyway.locations=classpath:db/pooler-migration")
			.run((context) -> {
				JdbcTemplate pooled = context.getBean(JdbcTemplate.class);
				AtomicBoolean migrating = new AtomicBoolean(true);
				ExecutorService executor = Executors.newFixedThreadPool(2);
				try {
					List<Future<Integer>> writers = new ArrayList<>();
					for (int i = 0; i < 2; i++) {
						writers.add(executor.submit(() -> {
							int written = 0;
							// Bounded: at most 2,000 writes each, and stop once the migration is done.
							while (written < 2000 && (migrating.get() || written < 20)) {
								pooled.update("INSERT INTO events (payload) VALUES (?)", "w" + written);
								written++;
							}
							return written;
						}));
					}
					Flyway.configure()
						.dataSource(direct(context))
						.locations("classpath:db/pooler-migration", "classpath:db/pooler-migration-2")
						.load()
						.migrate();
					migrating.set(false);
					int written = 0;
					for (Future<Integer> writer : writers) {
						written += writer.get(60, TimeUnit.SECONDS);
					}
					assertThat(pooled.queryForObject("SELECT count(*) FROM events", Integer.class)).isEqualTo(written);
					assertThat(new JdbcTemplate(direct(context)).queryForList(
							"SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank",
							String.class))
						.containsExactly("1", "2");
				}
				finally {
					executor.shutdownNow();
				}
			});
	}

	@Test
	void theStartersPooledStartupParametersAreAcceptedByPgBouncer() {
		NeonTopologyContexts.runner(this.topology, this.database).run((context) -> {
			assertThat(context).hasNotFailed();
			// ApplicationName is one of the parameters PgBouncer tracks and passes on.
			assertThat(context.getBean(JdbcTemplate.class).queryForObject("SHOW application_name", String.class))
				.isEqualTo("neon-pooled");
		});
	}

	@Test
	void pgBouncerRejectsOptionsAndCurrentSchemaStartupParameters() {
		// What the starter's own check prevents: these fail only when the first connection is made.
		for (String parameter : new String[] { "options", "currentSchema" }) {
			Properties properties = rawProperties();
			properties.setProperty(parameter, parameter.equals("options") ? "-c search_path=public" : "public");
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> DriverManager.getConnection(
						"jdbc:postgresql://localhost:" + this.topology.pgbouncer().port() + "/" + this.database,
						properties))
				.withMessageContaining("unsupported startup parameter");
		}
	}

	@Test
	void theStarterRefusesOptionsOnThePooledUrlBeforeConnecting() {
		NeonTopologyContexts.runner(this.topology, this.database)
			.withPropertyValues("neon.url=" + this.topology.pooledUrl(this.database, "options=-c%20search_path%3Dapp"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("parameter 'options'")
				.hasMessageNotContaining(NeonTestTopology.APP_PASSWORD));
	}

	/**
	 * Executes one prepared statement past pgjdbc's prepareThreshold on one server connection, then makes its
	 * next execution land on another.
	 */
	private static int runPreparedStatementAcrossServerConnections(DataSource pooled) throws SQLException {
		try (Connection a = pooled.getConnection(); Connection b = pooled.getConnection()) {
			try (PreparedStatement statement = a.prepareStatement("SELECT ?::int")) {
				for (int i = 0; i < 10; i++) {
					statement.setInt(1, i);
					statement.executeQuery().close();
				}
				b.setAutoCommit(false);
				execute(b, "SELECT 1");
				statement.setInt(1, 42);
				try (ResultSet rs = statement.executeQuery()) {
					rs.next();
					return rs.getInt(1);
				}
				finally {
					b.rollback();
				}
			}
		}
	}

	private Properties rawProperties() {
		Properties properties = new Properties();
		properties.setProperty("user", NeonTestTopology.APP_USER);
		properties.setProperty("password", NeonTestTopology.APP_PASSWORD);
		properties.setProperty("sslmode", "verify-full");
		properties.setProperty("sslrootcert", this.topology.certificates().caCertificate().toString());
		return properties;
	}

	private static DataSource pooled(ApplicationContext context) {
		return context.getBean(NeonDataSources.POOLED_BEAN_NAME, DataSource.class);
	}

	private static DataSource direct(ApplicationContext context) {
		return context.getBean(NeonDataSources.DIRECT_BEAN_NAME, DataSource.class);
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static String queryString(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getString(1);
		}
	}

}
