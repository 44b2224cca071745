package dev.neonstarter.pool;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.ssl.NeonTlsPolicy;
import dev.neonstarter.testsupport.FaultProxy;
import dev.neonstarter.testsupport.PostgresServer;
import org.awaitility.Awaitility;
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
			pool.addDataSourceProperty("loginTimeout", "7");
			try (Connection connection = pool.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			// The user's login timeout wins over HikariCP's (connection-timeout + 0.5 s: 30 s).
			assertThat(pool.unwrap(org.postgresql.ds.PGSimpleDataSource.class).getLoginTimeout()).isEqualTo(7);
		}
	}

	@Test
	void aLoginThatStallsAfterTheTcpConnectEndsAtThePoolsLoginTimeout() throws Exception {
		int jvmLoginTimeout = DriverManager.getLoginTimeout();
		try (PostgresServer server = PostgresServer.plain(Files.createTempDirectory("neon-physical"));
				FaultProxy proxy = FaultProxy.start(server.port());
				NeonHikariDataSource pool = pool()) {
			pool.setPoolName("neon-pooled");
			pool.setJdbcUrl("jdbc:postgresql://localhost:" + proxy.port() + "/postgres?sslmode=disable");
			pool.setUsername("postgres");
			pool.setMinimumIdle(0);
			pool.setConnectionTimeout(1000);
			try (Connection connection = pool.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			// HikariCP's login timeout (connection-timeout + 0.5 s, whole seconds) is this pool's own...
			assertThat(pool.unwrap(PhysicalConnections.class).getLoginTimeout()).isEqualTo(1);
			assertThat(DriverManager.getLoginTimeout()).isEqualTo(jvmLoginTimeout);
			// ...and pgjdbc applies it: the TCP connect succeeds, then nothing answers the startup packet. Without
			// it HikariCP's only connection-adding thread would wait until the kernel gave up (many minutes).
			proxy.blackHole();
			pool.getHikariPoolMXBean().softEvictConnections();
			long start = System.nanoTime();
			assertThatExceptionOfType(SQLException.class).isThrownBy(pool::getConnection);
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> pool.monitor().state() == NeonEndpointMonitor.State.DOWN);
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			System.out.println("Stalled login ended the endpoint after " + millis + " ms");
			assertThat(pool.monitor().reason()).isNotNull();
		}
	}

	@Test
	void aSlowLoginWithinThePoolsLoginTimeoutSucceedsWhateverAnotherPoolsTimeout() throws Exception {
		try (PostgresServer server = PostgresServer.plain(Files.createTempDirectory("neon-physical"));
				FaultProxy proxy = FaultProxy.start(server.port());
				NeonHikariDataSource patient = pool();
				NeonHikariDataSource hasty = pool()) {
			patient.setPoolName("neon-pooled");
			patient.setJdbcUrl("jdbc:postgresql://localhost:" + proxy.port() + "/postgres?sslmode=disable");
			patient.setUsername("postgres");
			patient.setMinimumIdle(0);
			patient.setConnectionTimeout(10_000);
			hasty.setPoolName("neon-replica");
			hasty.setJdbcUrl("jdbc:postgresql://localhost:" + server.port() + "/postgres?sslmode=disable");
			hasty.setUsername("postgres");
			hasty.setMinimumIdle(0);
			hasty.setConnectionTimeout(1000);
			try (Connection connection = patient.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			// The hasty pool starts last: its 1 s login timeout is its own, not the JVM's.
			try (Connection connection = hasty.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			assertThat(patient.unwrap(PhysicalConnections.class).getLoginTimeout()).isEqualTo(10);
			assertThat(hasty.unwrap(PhysicalConnections.class).getLoginTimeout()).isEqualTo(1);
			// A slow login (a compute waking) on the patient pool: longer than the hasty pool's timeout, well
			// within its own.
			proxy.latency(Duration.ofMillis(800));
			patient.getHikariPoolMXBean().softEvictConnections();
			long start = System.nanoTime();
			try (Connection connection = patient.getConnection()) {
				assertThat(connection.isValid(5)).isTrue();
			}
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			System.out.println("Slow login took " + millis + " ms");
			assertThat(millis).isGreaterThan(1000);
			assertThat(patient.monitor().state()).isEqualTo(NeonEndpointMonitor.State.UP);
		}
	}

	private static NeonHikariDataSource pool() {
		NeonConnectionString connection = NeonConnectionString.parse("postgresql://localhost/postgres");
		return new NeonHikariDataSource("neon-pooled",
				new NeonEndpoint(connection, NeonTlsPolicy.apply(connection, null, null), false));
	}

}
