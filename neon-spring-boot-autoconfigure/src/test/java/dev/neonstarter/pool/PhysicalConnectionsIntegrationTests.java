package dev.neonstarter.pool;

import java.nio.file.Files;
import java.sql.Connection;

import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.ssl.NeonTlsPolicy;
import dev.neonstarter.testsupport.PostgresServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The DataSource a Neon pool gives HikariCP makes connections as HikariCP would (from the URL, or from
 * {@code data-source-class-name}) and tells the monitor how each attempt ended, against a real PostgreSQL.
 */
class PhysicalConnectionsIntegrationTests {

	@Test
	void connectionsFromTheUrlAreReportedToTheMonitor() throws Exception {
		try (PostgresServer server = PostgresServer.plain(Files.createTempDirectory("neon-physical"));
				NeonHikariDataSource pool = pool()) {
			pool.setPoolName("neon-pooled");
			pool.setJdbcUrl("jdbc:postgresql://localhost:" + server.port() + "/postgres?sslmode=disable");
			pool.setUsername("postgres");
			pool.setMinimumIdle(0);
			try (Connection connection = pool.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			assertThat(pool.unwrap(PhysicalConnections.class)).isNotNull();
			pool.getHikariPoolMXBean().softEvictConnections();
			server.stop();
			// The pool opens a new connection, which is refused: the endpoint is down, the caller released.
			assertThatExceptionOfType(NeonUnavailableException.class).isThrownBy(pool::getConnection);
			assertThat(pool.monitor().state()).isEqualTo(NeonEndpointMonitor.State.DOWN);
		}
	}

	@Test
	void aDataSourceClassNameIsStillUsed() throws Exception {
		try (PostgresServer server = PostgresServer.plain(Files.createTempDirectory("neon-physical"));
				NeonHikariDataSource pool = pool()) {
			pool.setPoolName("neon-pooled");
			pool.setDataSourceClassName("org.postgresql.ds.PGSimpleDataSource");
			pool.addDataSourceProperty("serverName", "localhost");
			pool.addDataSourceProperty("portNumber", Integer.toString(server.port()));
			pool.addDataSourceProperty("databaseName", "postgres");
			pool.addDataSourceProperty("user", "postgres");
			pool.addDataSourceProperty("sslMode", "disable");
			try (Connection connection = pool.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			assertThat(pool.unwrap(org.postgresql.ds.PGSimpleDataSource.class)).isNotNull();
		}
	}


	private static NeonHikariDataSource pool() {
		NeonConnectionString connection = NeonConnectionString.parse("postgresql://localhost/postgres");
		return new NeonHikariDataSource("neon-pooled",
				new NeonEndpoint(connection, NeonTlsPolicy.apply(connection, null, null), false));
	}

}
