package dev.neonstarter.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness itself: both endpoints speak TLS with the test CA's certificate and authenticate with SCRAM.
 */
@RequiresPgBouncer
class NeonTestTopologyIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	@Test
	void directEndpointIsPostgresWithVerifiedTls() throws SQLException {
		String database = this.topology.createDatabase();
		try (Connection connection = connect(this.topology.postgres().port(), database);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(
						"SELECT ssl, current_user FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE pid = pg_backend_pid()")) {
			assertThat(rs.next()).isTrue();
			assertThat(rs.getBoolean("ssl")).isTrue();
			assertThat(rs.getString("current_user")).isEqualTo(NeonTestTopology.APP_USER);
		}
	}

	@Test
	void pooledEndpointIsPgBouncerInTransactionMode() throws SQLException {
		String database = this.topology.createDatabase();
		try (Connection connection = connect(this.topology.pgbouncer().port(), database);
				Statement statement = connection.createStatement()) {
			// A session-level setting made in one transaction is not ours in the next: PgBouncer hands the
			// server connection to whoever comes next. Only SHOW on the same connection proves nothing, so
			// the check is that PgBouncer answers at all with TLS and SCRAM, and reports its own version.
			try (ResultSet rs = statement.executeQuery("SELECT current_user")) {
				assertThat(rs.next()).isTrue();
				assertThat(rs.getString(1)).isEqualTo(NeonTestTopology.APP_USER);
			}
		}
		assertThat(this.topology.pgbouncer().log()).contains("process up: PgBouncer 1.");
	}

	private Connection connect(int port, String database) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", NeonTestTopology.APP_USER);
		properties.setProperty("password", NeonTestTopology.APP_PASSWORD);
		properties.setProperty("sslmode", "verify-full");
		properties.setProperty("sslrootcert", this.topology.certificates().caCertificate().toString());
		properties.setProperty("prepareThreshold", "0");
		return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, properties);
	}

}
