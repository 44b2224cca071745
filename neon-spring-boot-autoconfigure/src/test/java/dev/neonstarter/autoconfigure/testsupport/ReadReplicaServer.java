package dev.neonstarter.autoconfigure.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A second PostgreSQL standing in for a Neon read replica of a {@link NeonTestTopology}: TLS with the
 * topology's certificates, SCRAM, the topology's roles, and read-only databases
 * ({@code default_transaction_read_only=on}), so that a write fails as on a hot standby ("cannot execute
 * INSERT in a read-only transaction").
 * <p>
 * It does not replicate: {@link #createDatabase} creates the primary's database here with what the test puts
 * in, and {@link #replicate} applies later changes, as replication would. Tests tell the two servers apart by
 * what each holds. Stop and start it like a {@link PostgresServer}; close it.
 */
public final class ReadReplicaServer implements AutoCloseable {

	private static final String READ_WRITE_SESSION = "SET default_transaction_read_only = off";

	private final Path directory;

	private final PostgresServer postgres;

	private ReadReplicaServer(NeonTestTopology topology) {
		try {
			this.directory = Files.createTempDirectory("neon-replica");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.postgres = PostgresServer.tls(this.directory.resolve("postgres"),
				topology.certificates().serverCertificate(), topology.certificates().serverKey());
		this.postgres.execute("postgres",
				"CREATE ROLE " + NeonTestTopology.APP_USER + " LOGIN PASSWORD '" + NeonTestTopology.APP_PASSWORD + "'",
				"CREATE ROLE " + NeonTestTopology.MIGRATOR + " LOGIN PASSWORD '" + NeonTestTopology.MIGRATOR_PASSWORD
						+ "'");
	}

	/** Starts a replica stand-in for the topology. Close it. */
	public static ReadReplicaServer start(NeonTestTopology topology) {
		return new ReadReplicaServer(topology);
	}

	/**
	 * Creates the database {@code name} (use the primary's name), runs the statements in it as the superuser
	 * (what replication would have brought), then makes it read-only for every new session.
	 */
	public void createDatabase(String name, String... statements) {
		this.postgres.execute("postgres", "CREATE DATABASE " + name + " OWNER " + NeonTestTopology.MIGRATOR);
		this.postgres.execute(name, "GRANT USAGE ON SCHEMA public TO " + NeonTestTopology.APP_USER);
		if (statements.length > 0) {
			this.postgres.execute(name, statements);
		}
		this.postgres.execute("postgres", "ALTER DATABASE " + name + " SET default_transaction_read_only = on");
	}

	/** Runs statements as the superuser in a read-write session: what replication brings to a replica. */
	public void replicate(String database, String... statements) {
		String[] all = new String[statements.length + 1];
		all[0] = READ_WRITE_SESSION;
		System.arraycopy(statements, 0, all, 1, statements.length);
		this.postgres.execute(database, all);
	}

	/** {@code postgresql://app_user:…@localhost:<replica>/<database>} with the given query (may be empty). */
	public String url(String database, String query) {
		return NeonTestTopology.url(this.postgres.port(), database, query);
	}

	public PostgresServer postgres() {
		return this.postgres;
	}

	public int port() {
		return this.postgres.port();
	}

	/** Stops the server, as when the replica's compute is unavailable. */
	public void stop() {
		this.postgres.stop();
	}

	/** Starts it again on the same port and data. */
	public void start() {
		this.postgres.start();
	}

	@Override
	public void close() {
		this.postgres.close();
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// best effort: it is a temporary directory
		}
	}

}
