package dev.neonstarter.connection;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NeonConnectionFailures#describe} on what pgjdbc really throws against real servers.
 */
@RequiresPgBouncer
class NeonConnectionFailuresIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	@Test
	void refused() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		assertThat(describe("jdbc:postgresql://127.0.0.1:" + closedPort + "/db?sslmode=disable", "app", "pw"))
			.startsWith("connection refused: Connection to 127.0.0.1:" + closedPort + " refused");
	}

	@Test
	void timedOut() throws Exception {
		// Accepts TCP connections and never answers.
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			assertThat(describe("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort()
					+ "/db?sslmode=disable&loginTimeout=1&connectTimeout=1&socketTimeout=1", "app", "pw"))
				.startsWith("timed out: ");
		}
	}

	@Test
	void authentication() {
		String url = "jdbc:postgresql://localhost:" + this.topology.postgres().port() + "/postgres?sslmode=verify-full"
				+ "&sslrootcert=" + this.topology.certificates().caCertificate();
		assertThat(describe(url, NeonTestTopology.APP_USER, "wrong-password"))
			.startsWith("authentication failed: ")
			.contains(NeonTestTopology.APP_USER)
			.doesNotContain("wrong-password");
	}

	@Test
	void untrustedCertificate() {
		String url = "jdbc:postgresql://localhost:" + this.topology.postgres().port() + "/postgres?sslmode=verify-full"
				+ "&sslrootcert=" + this.topology.certificates().otherCaCertificate();
		assertThat(describe(url, NeonTestTopology.APP_USER, NeonTestTopology.APP_PASSWORD))
			.startsWith("TLS failed (untrusted certificate): ");
	}

	private static String describe(String url, String user, String password) {
		Properties properties = new Properties();
		properties.setProperty("user", user);
		properties.setProperty("password", password);
		try (Connection connection = new Driver().connect(url, properties)) {
			throw new AssertionError("connected to " + url);
		}
		catch (SQLException ex) {
			return NeonConnectionFailures.describe(ex);
		}
	}

}
