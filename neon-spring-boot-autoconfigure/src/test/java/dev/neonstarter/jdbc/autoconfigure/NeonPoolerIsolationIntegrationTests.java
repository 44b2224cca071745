package dev.neonstarter.jdbc.autoconfigure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A transaction isolation level asked through PgBouncer in transaction mode ({@code @Transactional(isolation = …)},
 * Spring Batch's SERIALIZABLE job creation): it applies to that transaction, and never stays on a server
 * connection that PgBouncer hands to other clients (pgjdbc alone sends it for the session, as a statement of its
 * own).
 */
@RequiresPgBouncer
class NeonPoolerIsolationIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	@Test
	void anIsolationLevelAppliesToItsTransactionAndStaysThere() {
		String database = this.topology.createDatabase();
		NeonTopologyContexts.runner(this.topology, database).run((context) -> {
			DataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME, DataSource.class);
			JdbcTemplate jdbc = new JdbcTemplate(pooled);
			TransactionTemplate serializable = new TransactionTemplate(new DataSourceTransactionManager(pooled));
			serializable.setIsolationLevel(TransactionDefinition.ISOLATION_SERIALIZABLE);
			for (int i = 0; i < 3; i++) {
				String inside = serializable.execute((status) -> {
					jdbc.queryForObject("SELECT 1", Integer.class);
					return jdbc.queryForObject("SHOW transaction_isolation", String.class);
				});
				assertThat(inside).isEqualTo("serializable");
				// The application's next transaction, at the default level, gets the default level.
				String next = new TransactionTemplate(new DataSourceTransactionManager(pooled))
					.execute((status) -> jdbc.queryForObject("SHOW transaction_isolation", String.class));
				assertThat(next).isEqualTo("read committed");
			}
			assertThat(serverConnectionLevels(database)).isNotEmpty().containsOnly("read committed");
		});
	}

	@Test
	void anotherClientBetweenTheRequestAndTheTransactionIsNotGivenTheLevel() {
		String database = this.topology.createDatabase();
		NeonTopologyContexts.runner(this.topology, database).run((context) -> {
			DataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME, DataSource.class);
			try (Connection application = pooled.getConnection()) {
				// What Spring's DataSourceTransactionManager does to begin a SERIALIZABLE transaction, with another
				// client's transaction starting in between (PgBouncer gives it the server connection just used).
				application.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
				try (Connection other = plainClient(database)) {
					other.setAutoCommit(false);
					assertThat(level(other)).isEqualTo("read committed");
					application.setAutoCommit(false);
					assertThat(level(application)).isEqualTo("serializable");
					assertThat(application.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
					application.commit();
					other.rollback();
				}
			}
		});
	}

	@Test
	void aPoolLevelIsolationAppliesToEachTransactionAndStaysThere() {
		String database = this.topology.createDatabase();
		NeonTopologyContexts.runner(this.topology, database)
			.withPropertyValues("neon.pooled.hikari.transaction-isolation=TRANSACTION_REPEATABLE_READ",
					"neon.pooled.hikari.minimum-idle=2")
			.run((context) -> {
				DataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME, DataSource.class);
				JdbcTemplate jdbc = new JdbcTemplate(pooled);
				TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(pooled));
				for (int i = 0; i < 3; i++) {
					String level = transactions
						.execute((status) -> jdbc.queryForObject("SHOW transaction_isolation", String.class));
					assertThat(level).isEqualTo("repeatable read");
					// A transaction asking for its own level still gets it, and the next one the pool's again.
					TransactionTemplate serializable = new TransactionTemplate(
							new DataSourceTransactionManager(pooled));
					serializable.setIsolationLevel(TransactionDefinition.ISOLATION_SERIALIZABLE);
					String asked = serializable
						.execute((status) -> jdbc.queryForObject("SHOW transaction_isolation", String.class));
					assertThat(asked).isEqualTo("serializable");
				}
				try (Connection connection = pooled.getConnection()) {
					assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
				}
				// HikariCP sets a pool's level on each connection it opens, for the session: through PgBouncer, on a
				// server connection other clients are given.
				assertThat(serverConnectionLevels(database)).isNotEmpty().containsOnly("read committed");
			});
	}

	@Test
	void aPoolLevelIsolationAppliesAfterAFailedFirstStart() {
		String database = this.topology.createDatabase();
		NeonTopologyContexts.runner(this.topology, database)
			.withPropertyValues("neon.pooled.hikari.transaction-isolation=TRANSACTION_REPEATABLE_READ",
					"neon.pooled.hikari.minimum-idle=1", "neon.ssl.verify-on-startup=false",
					"neon.password=not-" + NeonTestTopology.APP_PASSWORD)
			.run((context) -> {
				NeonHikariDataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME,
						NeonHikariDataSource.class);
				// The pool's first start fails (a refused login here; an endpoint down at startup alike).
				assertThatExceptionOfType(SQLException.class).isThrownBy(pooled::getConnection);
				pooled.setPassword(NeonTestTopology.APP_PASSWORD);
				JdbcTemplate jdbc = new JdbcTemplate(pooled);
				String level = new TransactionTemplate(new DataSourceTransactionManager(pooled))
					.execute((status) -> jdbc.queryForObject("SHOW transaction_isolation", String.class));
				assertThat(level).isEqualTo("repeatable read");
				assertThat(pooled.poolTransactionIsolation()).isEqualTo("TRANSACTION_REPEATABLE_READ");
			});
	}

	/**
	 * The level every server connection PgBouncer has for the database would give another client: as many plain
	 * clients as PgBouncer has server connections for it ({@code default_pool_size} 2 in the test topology) each
	 * hold a transaction, so each is on a server connection of its own.
	 */
	private List<String> serverConnectionLevels(String database) throws SQLException {
		List<Connection> clients = new ArrayList<>();
		List<String> levels = new ArrayList<>();
		try {
			for (int i = 0; i < 2; i++) {
				Connection client = plainClient(database);
				clients.add(client);
				client.setAutoCommit(false);
				levels.add(level(client));
			}
		}
		finally {
			for (Connection client : clients) {
				client.rollback();
				client.close();
			}
		}
		return levels;
	}

	/** A client of PgBouncer of its own, as another application instance would be. */
	private Connection plainClient(String database) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", NeonTestTopology.APP_USER);
		properties.setProperty("password", NeonTestTopology.APP_PASSWORD);
		properties.setProperty("sslmode", "require");
		properties.setProperty("prepareThreshold", "0");
		return DriverManager.getConnection(
				"jdbc:postgresql://localhost:" + this.topology.pgbouncer().port() + "/" + database, properties);
	}

	private static String level(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SHOW transaction_isolation")) {
			rs.next();
			return rs.getString(1);
		}
	}

}
