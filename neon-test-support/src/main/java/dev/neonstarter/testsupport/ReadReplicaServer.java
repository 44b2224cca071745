package dev.neonstarter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * A streaming hot standby of a {@link NeonTestTopology}'s PostgreSQL, as a Neon read replica is: made with
 * {@code pg_basebackup -R} from the primary, run by the same PostgreSQL binaries as the primary, with TLS (the
 * topology's certificates) and SCRAM like it. It holds whatever the primary holds (databases, roles, rows), as
 * far as it has replayed the primary's WAL; it refuses writes with SQLState {@code 25006} ("cannot execute
 * INSERT in a read-only transaction").
 * <p>
 * Replication is asynchronous: {@link #awaitReplay()} waits until the standby has replayed everything the primary
 * has written so far (do it after creating a database on the primary, before connecting to it here), and
 * {@link #pauseReplay()}/{@link #resumeReplay()} hold replay back, so that a test can show lag: what the primary
 * commits while replay is paused is not visible here until it resumes. In a transaction,
 * {@code pg_is_in_recovery()} tells the standby ({@code true}) from the primary.
 * <p>
 * It streams through a physical replication slot on the primary, so a stopped standby finds the WAL it missed
 * when it is started again; {@link #close()} drops the slot. The base backup copies every database of the
 * primary: start it from a topology with few databases (a private {@link NeonTestTopology#start()} rather than
 * the shared one, which holds a database per test). It needs {@code pg_basebackup} (Debian's
 * {@code postgresql-client}): annotate tests with {@link RequiresPgBaseBackup}.
 */
public final class ReadReplicaServer implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** Where Debian installs {@code pg_basebackup}, one directory per version. */
	private static final Path DEBIAN_VERSIONS = Paths.get("/usr/lib/postgresql");

	private static final AtomicInteger slots = new AtomicInteger();

	private final Path directory;

	private final PostgresServer primary;

	private final String slot;

	private final PostgresServer postgres;

	private ReadReplicaServer(NeonTestTopology topology) {
		try {
			this.directory = Files.createTempDirectory("neon-replica");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.primary = topology.postgres();
		this.slot = "neon_replica_" + ProcessHandle.current().pid() + "_" + slots.incrementAndGet();
		Path workDirectory = this.directory.resolve("postgres");
		try {
			baseBackup(workDirectory.resolve("data"));
			this.postgres = PostgresServer.tls(workDirectory, topology.certificates().serverCertificate(),
					topology.certificates().serverKey());
		}
		catch (RuntimeException ex) {
			dropSlot();
			deleteDirectory();
			throw ex;
		}
	}

	/**
	 * Starts a hot standby of the topology's PostgreSQL and waits until it has replayed what the primary had
	 * written when it started. Close it.
	 */
	public static ReadReplicaServer start(NeonTestTopology topology) {
		ReadReplicaServer replica = new ReadReplicaServer(topology);
		replica.awaitReplay();
		return replica;
	}

	/**
	 * The {@code pg_basebackup} executable, if installed: Debian's newest version, else the first on the
	 * {@code PATH}. Any version from the primary's major version (PostgreSQL 14 here) up can copy it.
	 */
	static Optional<Path> pgBaseBackup() {
		Stream<Path> debian = Stream.empty();
		if (Files.isDirectory(DEBIAN_VERSIONS)) {
			try (Stream<Path> versions = Files.list(DEBIAN_VERSIONS)) {
				debian = versions.filter((version) -> version.getFileName().toString().matches("\\d+"))
					.sorted(Comparator.comparingInt((Path version) -> Integer.parseInt(version.getFileName().toString()))
						.reversed())
					.map((version) -> version.resolve("bin/pg_basebackup"))
					.toList()
					.stream();
			}
			catch (IOException ex) {
				// not readable: look on the PATH
			}
		}
		Stream<Path> fromPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
			.filter((entry) -> !entry.isEmpty())
			.map((entry) -> Paths.get(entry, "pg_basebackup"));
		return Stream.concat(debian, fromPath).filter(ReadReplicaServer::isPgBaseBackup).findFirst();
	}

	/** Debian's {@code /usr/bin/pg_basebackup} is a wrapper, present even when no client version is installed. */
	private static boolean isPgBaseBackup(Path path) {
		try {
			return Files.isExecutable(path) && !path.toRealPath().getFileName().toString().equals("pg_wrapper");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * {@code pg_basebackup -R} from the primary as {@code postgres} (trusted on loopback), through a new
	 * replication slot, checkpointing at once rather than waiting for a spread checkpoint.
	 */
	private void baseBackup(Path dataDirectory) {
		Path executable = pgBaseBackup().orElseThrow(() -> new IllegalStateException(
				"pg_basebackup is not installed: run 'apt-get install -y postgresql-client'"));
		Path log = this.directory.resolve("pg_basebackup.log");
		List<String> command = List.of(executable.toString(), "--pgdata=" + dataDirectory,
				"--dbname=host=127.0.0.1 port=" + this.primary.port() + " user=postgres sslmode=disable",
				"--write-recovery-conf", "--wal-method=stream", "--checkpoint=fast", "--no-sync",
				"--create-slot", "--slot=" + this.slot);
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("pg_basebackup did not finish within " + TIMEOUT);
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException("pg_basebackup failed (exit " + process.exitValue() + "): "
						+ Files.readString(log, StandardCharsets.UTF_8).strip());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Waits until the standby has replayed the primary's current WAL position: what the primary committed
	 * before this call (databases, roles, rows) is then visible here. Fails if replay is paused.
	 */
	public void awaitReplay() {
		String target = flushedPrimaryPosition();
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!"t".equals(query("SELECT pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn"))) {
			if (!"not paused".equals(query("SELECT pg_get_wal_replay_pause_state()"))) {
				throw new IllegalStateException("Replay is paused: resumeReplay() first");
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The standby did not replay " + target + " within " + TIMEOUT
						+ " (replayed: " + query("SELECT pg_last_wal_replay_lsn()") + ")");
			}
			sleep();
		}
	}

	/**
	 * Pauses replay and waits until it has stopped: from now on, what the primary commits (received by the
	 * standby all the same) is not visible here until {@link #resumeReplay()}.
	 */
	public void pauseReplay() {
		query("SELECT pg_wal_replay_pause()");
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!"paused".equals(query("SELECT pg_get_wal_replay_pause_state()"))) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Replay did not pause within " + TIMEOUT);
			}
			sleep();
		}
	}

	/** Resumes replay; {@link #awaitReplay()} then waits until the standby has caught up. */
	public void resumeReplay() {
		query("SELECT pg_wal_replay_resume()");
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

	/** Stops the server, as when the replica's compute is unavailable. Replay is no longer paused after it. */
	public void stop() {
		this.postgres.stop();
	}

	/** Starts it again on the same port and data; it resumes streaming where it stopped. */
	public void start() {
		this.postgres.start();
	}

	/** Stops the standby, drops its replication slot on the primary and deletes its files. */
	@Override
	public void close() {
		this.postgres.close();
		if (this.primary.isRunning()) {
			dropSlot();
		}
		deleteDirectory();
	}

	private void deleteDirectory() {
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// best effort: it is a temporary directory
		}
	}

	/** The slot stays active until the primary's WAL sender has noticed that the standby is gone. */
	private void dropSlot() {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while ("t".equals(queryPrimary("SELECT active FROM pg_replication_slots WHERE slot_name = '" + this.slot + "'"))
				&& System.nanoTime() < deadline) {
			sleep();
		}
		this.primary.execute("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
				+ " WHERE slot_name = '" + this.slot + "'");
	}

	/**
	 * The primary's WAL position once everything written so far is flushed, and so can be streamed. The
	 * embedded PostgreSQL commits asynchronously ({@code synchronous_commit=off}): its WAL writer flushes within
	 * {@code wal_writer_delay}. A transaction that writes WAL and commits synchronously flushes all of it now.
	 */
	private String flushedPrimaryPosition() {
		try (Connection connection = this.primary.adminDataSource("postgres").getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("SET synchronous_commit = on");
			statement.execute("SELECT pg_logical_emit_message(true, 'neon-read-replica', 'flush')");
			try (ResultSet result = statement.executeQuery("SELECT pg_current_wal_lsn()")) {
				result.next();
				return result.getString(1);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Query failed: " + ex.getMessage(), ex);
		}
	}

	private @Nullable String query(String sql) {
		return query(this.postgres.adminDataSource("postgres"), sql);
	}

	private @Nullable String queryPrimary(String sql) {
		return query(this.primary.adminDataSource("postgres"), sql);
	}

	private static @Nullable String query(DataSource dataSource, String sql) {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			return result.next() ? result.getString(1) : null;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Query failed: " + ex.getMessage(), ex);
		}
	}

	private static void sleep() {
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
