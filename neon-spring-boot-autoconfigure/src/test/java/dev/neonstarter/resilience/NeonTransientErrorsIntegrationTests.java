package dev.neonstarter.resilience;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.neonstarter.connection.NeonConnectionFailures.Kind;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The failures Neon users meet when a compute is saturated, produced for real by PostgreSQL and PgBouncer
 * rather than constructed, and classified as transient connection failures (retried, counted by the breaker).
 */
@RequiresPgBouncer
class NeonTransientErrorsIntegrationTests {

	private static final int QUERY_WAIT_TIMEOUT_SECONDS = 2;

	private static NeonTestTopology topology;

	private static String database;

	private final NeonTransientErrors errors = new NeonTransientErrors();

	private final List<Connection> held = new ArrayList<>();

	@BeforeAll
	static void startTopology() {
		// Private: the tests exhaust the pooler's two server connections and cap a role's connections.
		topology = NeonTestTopology.start(QUERY_WAIT_TIMEOUT_SECONDS);
		database = topology.createDatabase();
	}

	@AfterAll
	static void stopTopology() {
		topology.close();
	}

	@org.junit.jupiter.api.AfterEach
	void release() throws SQLException {
		for (Connection connection : this.held) {
			connection.close();
		}
		topology.postgres().execute("postgres", "ALTER ROLE " + NeonTestTopology.APP_USER + " CONNECTION LIMIT -1");
	}

	@Test
	void tooManyConnectionsFromPostgresIsATransientConnectionFailure() throws SQLException {
		topology.postgres().execute("postgres", "ALTER ROLE " + NeonTestTopology.APP_USER + " CONNECTION LIMIT 1");
		hold(direct());
		SQLException failure = catchThrowableOfType(SQLException.class, this::direct);

		assertThat(failure.getSQLState()).isEqualTo("53300");
		assertThat((Throwable) failure).hasMessageContaining("too many connections");
		assertThat(this.errors.classify(failure)).isEqualTo(Kind.CONNECTION);
		assertThat(new NeonTransientPredicate().test(failure)).isTrue();
	}

	@Test
	void tooManyConnectionsBehindThePoolerIsATransientConnectionFailure() throws SQLException {
		topology.postgres().execute("postgres", "ALTER ROLE " + NeonTestTopology.APP_USER + " CONNECTION LIMIT 1");
		// One server connection is all the role may have: the pooler's second login to PostgreSQL fails.
		hold(inTransaction(pooled()));
		SQLException failure = catchThrowableOfType(SQLException.class, () -> inTransaction(pooled()));

		assertThat((Throwable) failure).as("what PgBouncer passes on").isNotNull();
		assertThat(this.errors.classify(failure)).as("%s (SQLState %s)", failure.getMessage(), failure.getSQLState())
			.isEqualTo(Kind.CONNECTION);
	}

	@Test
	void aQueryWaitTimeoutOfThePoolerIsATransientConnectionFailure() throws SQLException {
		// The pooler has two server connections; two open transactions hold both, the third client queues.
		hold(inTransaction(pooled()));
		hold(inTransaction(pooled()));
		SQLException failure = catchThrowableOfType(SQLException.class, () -> inTransaction(pooled()));

		assertThat((Throwable) failure).hasMessageContaining("query_wait_timeout");
		assertThat(this.errors.classify(failure)).isEqualTo(Kind.CONNECTION);
		assertThat(new NeonTransientPredicate().test(failure)).isTrue();
	}

	private void hold(Connection connection) {
		this.held.add(connection);
	}

	/** Starts a transaction that keeps its server connection until the connection is closed. */
	private static Connection inTransaction(Connection connection) throws SQLException {
		try {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT 1");
			}
			return connection;
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
	}

	private Connection direct() throws SQLException {
		return connect(topology.postgres().port());
	}

	private Connection pooled() throws SQLException {
		return connect(topology.pgbouncer().port());
	}

	private static Connection connect(int port) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", NeonTestTopology.APP_USER);
		properties.setProperty("password", NeonTestTopology.APP_PASSWORD);
		properties.setProperty("sslmode", "verify-full");
		properties.setProperty("sslrootcert", topology.certificates().caCertificate().toString());
		properties.setProperty("prepareThreshold", "0");
		return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, properties);
	}

}
