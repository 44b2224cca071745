package dev.neonstarter.jdbc.autoconfigure;

import java.io.File;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The embedded PostgreSQL database both Neon pools use: the {@code postgres} database of a server of its own,
 * stopped when the context closes; or, for tests ({@code neon.embedded.replace} with {@code neon.embedded.shared}),
 * a database of its own on one server that the contexts of the JVM share, dropped when the context closes. A test
 * suite's cached contexts then cost a {@code CREATE DATABASE} each instead of a server each; the shared server stops
 * when the JVM exits.
 */
final class NeonEmbeddedDatabase implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(NeonEmbeddedDatabase.class);

	private static final AtomicInteger databases = new AtomicInteger();

	private static final Object lock = new Object();

	private static @Nullable EmbeddedPostgres sharedServer;

	private final EmbeddedPostgres server;

	private final String name;

	private final boolean shared;

	private NeonEmbeddedDatabase(EmbeddedPostgres server, String name, boolean shared) {
		this.server = server;
		this.name = name;
		this.shared = shared;
	}

	/** The {@code postgres} database of a server started for the caller, stopped by {@link #close()}. */
	static NeonEmbeddedDatabase onOwnServer() throws IOException {
		EmbeddedPostgres server = start();
		logger.info("Started an embedded PostgreSQL on localhost:" + server.getPort() + " for both Neon"
				+ " DataSources (data is deleted at shutdown)");
		return new NeonEmbeddedDatabase(server, "postgres", false);
	}

	/** A new database on the JVM's shared server (started by the first caller), dropped by {@link #close()}. */
	static NeonEmbeddedDatabase onSharedServer() throws IOException {
		synchronized (lock) {
			if (sharedServer == null) {
				sharedServer = start();
				logger.info("Started an embedded PostgreSQL on localhost:" + sharedServer.getPort() + ", shared by"
						+ " the test contexts of this JVM (neon.embedded.shared), each on a database of its own");
			}
			String name = "neon_test_" + databases.incrementAndGet();
			execute(sharedServer, "CREATE DATABASE " + name);
			logger.info("Both Neon DataSources use database " + name + " of the embedded PostgreSQL on localhost:"
					+ sharedServer.getPort() + " (dropped when the context closes)");
			return new NeonEmbeddedDatabase(sharedServer, name, true);
		}
	}

	private static EmbeddedPostgres start() throws IOException {
		// start() registers a shutdown hook that close() leaves registered until the JVM exits, and the hook's
		// thread takes this thread's context class loader: the application's, under DevTools a restart's, kept
		// for good by every context that started one. It gets the loader of EmbeddedPostgres instead.
		Thread thread = Thread.currentThread();
		ClassLoader contextClassLoader = thread.getContextClassLoader();
		thread.setContextClassLoader(EmbeddedPostgres.class.getClassLoader());
		try {
			return EmbeddedPostgres.builder()
				// Neon's defaults that matter to applications: UTC and UTF-8.
				.setServerConfig("timezone", "UTC")
				// In zonky's working directory instead of a temporary directory of its own (zonky's default):
				// each start there stops the servers of JVMs that died without stopping theirs (SIGKILL) and
				// deletes their data, once 10 minutes old; nothing ever cleans up the temporary ones.
				.setDataDirectory(new File(workingDirectory(), "neon-" + UUID.randomUUID()))
				.start();
		}
		finally {
			thread.setContextClassLoader(contextClassLoader);
		}
	}

	/** zonky's working directory, where it keeps the PostgreSQL binaries: as zonky finds it. */
	static File workingDirectory() {
		return new File(System.getProperty("ot.epg.working-dir",
				new File(System.getProperty("java.io.tmpdir"), "embedded-pg").getPath()));
	}

	private static void execute(EmbeddedPostgres server, String sql) throws IOException {
		try (Connection connection = server.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IOException("Could not run '" + sql + "' on the embedded PostgreSQL: " + ex.getMessage(), ex);
		}
	}

	EmbeddedPostgres server() {
		return this.server;
	}

	/** The database's name. */
	String name() {
		return this.name;
	}

	/**
	 * Stops the server (the shared one too) when the JVM is about to halt after the refresh
	 * ({@code spring.context.exit=onRefresh}, a training run), which neither closes the context nor runs the
	 * server's shutdown hook.
	 */
	void stopBeforeHalt() {
		logger.info("Stopping the embedded PostgreSQL on localhost:" + this.server.getPort() + ": the JVM halts"
				+ " after the refresh (spring.context.exit=onRefresh), which runs no shutdown hook");
		try {
			this.server.close();
		}
		catch (IOException ex) {
			logger.warn("Could not stop the embedded PostgreSQL on localhost:" + this.server.getPort()
					+ "; it outlives this JVM: " + ex.getMessage());
		}
	}

	/** Drops the database from the shared server, or stops the server of its own. */
	@Override
	public void close() throws IOException {
		if (!this.shared) {
			this.server.close();
			return;
		}
		synchronized (lock) {
			// The pools have closed by now (they depend on this bean); FORCE ends anything else still connected.
			try {
				execute(this.server, "DROP DATABASE IF EXISTS " + this.name + " WITH (FORCE)");
			}
			catch (IOException ex) {
				// At JVM exit the cached test contexts close while the server's own shutdown hook stops it, and
				// the database goes with the server.
				logger.debug("Could not drop database " + this.name + " of the embedded PostgreSQL (stopping?)", ex);
			}
		}
	}

}
