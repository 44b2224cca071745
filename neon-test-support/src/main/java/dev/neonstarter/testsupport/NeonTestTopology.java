package dev.neonstarter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Neon's shape on one machine: a PostgreSQL with TLS and SCRAM (the direct endpoint) and a PgBouncer in
 * transaction mode with client TLS in front of it (the pooled endpoint), both presenting certificates for
 * {@code localhost} from a CA made at test time.
 * <p>
 * Roles: {@value #APP_USER} (the application's runtime role) and {@value #MIGRATOR} (owns the databases,
 * runs migrations). Use {@link #shared()} unless the test stops or breaks the servers; then
 * {@link #start()} a private one and close it.
 */
public final class NeonTestTopology implements AutoCloseable {

	public static final String APP_USER = "app_user";

	public static final String APP_PASSWORD = "app-Pa55:w@rd/%";

	public static final String MIGRATOR = "migrator";

	public static final String MIGRATOR_PASSWORD = "migrator-pw";

	/** Neon's pooler setting. */
	public static final int NEON_QUERY_WAIT_TIMEOUT_SECONDS = 120;

	private static @Nullable NeonTestTopology shared;

	private final Path directory;

	private final TestCertificates certificates;

	private final PostgresServer postgres;

	/** Absent when pgbouncer is not installed. */
	private final @Nullable PgBouncerServer pgbouncer;

	private final AtomicInteger databases = new AtomicInteger();

	private NeonTestTopology(int poolSize, int queryWaitTimeoutSeconds) {
		try {
			this.directory = Files.createTempDirectory("neon-topology");
			// PgBouncer runs as an unprivileged user when the tests run as root: it must reach its files.
			Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString("rwxr-xr-x"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.certificates = TestCertificates.create(this.directory.resolve("certs"));
		this.postgres = PostgresServer.tls(this.directory.resolve("postgres"), this.certificates.serverCertificate(),
				this.certificates.serverKey());
		this.postgres.execute("postgres", "CREATE ROLE " + APP_USER + " LOGIN PASSWORD '" + APP_PASSWORD + "'",
				"CREATE ROLE " + MIGRATOR + " LOGIN PASSWORD '" + MIGRATOR_PASSWORD + "'",
				"CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
		this.pgbouncer = PgBouncerServer.executable().isPresent()
				? PgBouncerServer.start(this.directory.resolve("pgbouncer"), this.postgres.port(),
						Map.of(APP_USER, APP_PASSWORD, MIGRATOR, MIGRATOR_PASSWORD), this.certificates, poolSize,
						queryWaitTimeoutSeconds)
				: null;
	}

	/** The topology shared by all tests in this JVM, started on first use. */
	public static synchronized NeonTestTopology shared() {
		if (shared == null) {
			shared = new NeonTestTopology(2, NEON_QUERY_WAIT_TIMEOUT_SECONDS);
			Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "neon-topology-shutdown"));
		}
		return shared;
	}

	/** A private topology, for tests that stop or break servers. Close it. */
	public static NeonTestTopology start() {
		return new NeonTestTopology(2, NEON_QUERY_WAIT_TIMEOUT_SECONDS);
	}

	/**
	 * A private topology whose PgBouncer gives up on queued queries sooner than Neon's (120 s), for outage
	 * tests that would otherwise wait two minutes per request.
	 */
	public static NeonTestTopology start(int queryWaitTimeoutSeconds) {
		return new NeonTestTopology(2, queryWaitTimeoutSeconds);
	}

	/**
	 * A private topology whose PgBouncer keeps up to {@code serverPoolSize} server connections per user and
	 * database, for load that should not queue in PgBouncer (Neon's pooler allows 0.9 x max_connections).
	 */
	public static NeonTestTopology startWithServerPool(int serverPoolSize, int queryWaitTimeoutSeconds) {
		return new NeonTestTopology(serverPoolSize, queryWaitTimeoutSeconds);
	}

	public TestCertificates certificates() {
		return this.certificates;
	}

	public PostgresServer postgres() {
		return this.postgres;
	}

	public PgBouncerServer pgbouncer() {
		if (this.pgbouncer == null) {
			throw new IllegalStateException("pgbouncer is not installed; annotate the test with @RequiresPgBouncer");
		}
		return this.pgbouncer;
	}

	/** A new database owned by {@value #MIGRATOR}, so each test starts from an empty schema. */
	public String createDatabase() {
		String name = "neon_test_" + this.databases.incrementAndGet();
		this.postgres.execute("postgres", "CREATE DATABASE " + name + " OWNER " + MIGRATOR);
		this.postgres.execute(name, "GRANT USAGE ON SCHEMA public TO " + APP_USER);
		return name;
	}

	/** {@code postgresql://app_user:…@localhost:<pgbouncer>/<database>} with the given query (may be empty). */
	public String pooledUrl(String database, String query) {
		return url(pgbouncer().port(), database, query);
	}

	/** {@code postgresql://app_user:…@localhost:<postgres>/<database>} with the given query (may be empty). */
	public String directUrl(String database, String query) {
		return url(this.postgres.port(), database, query);
	}

	/**
	 * {@code postgresql://app_user:…@localhost:<port>/<database>}: an endpoint of this topology reached through
	 * something listening on another port, such as a {@link FaultProxy}.
	 */
	public String urlAt(int port, String database, String query) {
		return url(port, database, query);
	}

	/**
	 * Milliseconds from {@code sinceNanos} (a {@link System#nanoTime()}) until a plain client's query through
	 * PgBouncer succeeds in the database, polling every 50 ms for at most {@code limit}: when PgBouncer serves
	 * again after an outage (it keeps its pool, and its failed-login state, per user and database).
	 */
	public long millisUntilPgBouncerServes(String database, long sinceNanos, Duration limit)
			throws InterruptedException {
		Properties properties = new Properties();
		properties.setProperty("user", APP_USER);
		properties.setProperty("password", APP_PASSWORD);
		properties.setProperty("sslmode", "require");
		properties.setProperty("connectTimeout", "2");
		properties.setProperty("socketTimeout", "5");
		String url = "jdbc:postgresql://localhost:" + pgbouncer().port() + "/" + database;
		while (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos) < limit.toMillis()) {
			try (Connection connection = new org.postgresql.Driver().connect(url, properties);
					Statement statement = connection.createStatement()) {
				statement.execute("SELECT 1");
				break;
			}
			catch (SQLException ex) {
				Thread.sleep(50);
			}
		}
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
	}

	static String url(int port, String database, @Nullable String query) {
		return "postgresql://" + APP_USER + ":" + encode(APP_PASSWORD) + "@localhost:" + port + "/" + database
				+ ((query == null || query.isEmpty()) ? "" : "?" + query);
	}

	private static String encode(String password) {
		return java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		if (this.pgbouncer != null) {
			this.pgbouncer.close();
		}
		this.postgres.close();
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// best effort: it is a temporary directory
		}
	}

}
