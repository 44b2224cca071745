package dev.neonstarter.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import com.zaxxer.hikari.pool.HikariPool;
import com.zaxxer.hikari.util.DriverDataSource;
import com.zaxxer.hikari.util.UtilityElf;
import dev.neonstarter.connection.NeonAuthenticationException;
import dev.neonstarter.connection.NeonConnectionFailures;
import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.query.QueryInstrumentation;
import dev.neonstarter.ssl.NeonTlsVerifier.TlsStatus;
import org.jspecify.annotations.Nullable;

/**
 * A {@link HikariDataSource} that records the outcome of each {@link #getConnection()} in its
 * {@link NeonPoolActivity} (a volatile write on success), asks its {@link ConnectionGuard} (the circuit
 * breaker) before and after each acquisition when one is installed, and hands out connections that time their
 * statements when a listener is registered or observe them when an observation registry is set
 * ({@link #queries()}). Its first {@code getConnection()} starts the pool and hands out the connection HikariCP opened to check
 * the database, which HikariCP would close when {@code minimumIdle} is 0.
 * <p>
 * HikariCP makes its physical connections through {@link PhysicalConnections}, which tells the pool's
 * {@link NeonEndpointMonitor} how each attempt ended: while the monitor says the endpoint is down,
 * {@code getConnection()} throws {@link NeonUnavailableException} at once, and callers already waiting for a
 * connection are released with the same exception. Statements are wrapped too while the monitor watches for
 * stalled ones ({@code neon.monitor.stall-timeout}).
 */
public class NeonHikariDataSource extends HikariDataSource {

	private final NeonPoolActivity activity;

	private final NeonEndpointMonitor monitor;

	private final QueryInstrumentation queries = new QueryInstrumentation();

	private volatile NeonEndpoint endpoint;

	private volatile @Nullable TlsStatus tlsStatus;

	private volatile @Nullable ConnectionGuard guard;

	private volatile boolean started;

	private final Object isolationLock = new Object();

	/**
	 * Once {@link #isolationKept}: the pool's own transaction isolation setting ({@code transaction-isolation}),
	 * kept from HikariCP when the pool started through a pooler, or {@code null}. See {@link #start()}.
	 */
	private @Nullable String poolIsolation;

	/** Whether {@link #poolIsolation} holds the setting and HikariCP's configuration no longer does. */
	private boolean isolationKept;

	/**
	 * The level each transaction through the pooler is given when nothing asks for another (a JDBC constant), or
	 * -1 to leave transactions at the role's default level.
	 */
	private volatile int poolerIsolation = -1;

	/** {@code sslpassword}, kept out of HikariCP's configuration (see {@link #hideSecretDriverProperties()}). */
	private volatile @Nullable String sslPassword;

	NeonHikariDataSource(String poolName, NeonEndpoint endpoint) {
		this.endpoint = endpoint;
		this.activity = new NeonPoolActivity(poolName);
		this.monitor = new NeonEndpointMonitor(poolName);
		setPoolName(poolName);
		this.monitor.setProbe(this::probe);
		// Without a DataSource HikariCP would make a DriverDataSource from jdbcUrl; this one makes the same and
		// reports every physical connection attempt to the monitor.
		setDataSource(new PhysicalConnections(this, this.monitor));
		this.monitor.onTransition((state) -> {
			if (state == NeonEndpointMonitor.State.DOWN) {
				this.activity.failure(this.monitor.reason(), this.monitor.cause());
			}
		});
		// HikariCP shows every SQLException from a connection to this hook (to decide on eviction): record
		// the ones that mean the connection or server is gone, then let HikariCP decide as usual.
		setExceptionOverride(new SQLExceptionOverride() {
			@java.lang.Override
			public SQLExceptionOverride.Override adjudicate(SQLException ex) {
				if (NeonConnectionFailures.isConnectionFailure(ex.getSQLState())) {
					NeonHikariDataSource.this.activity.failure(NeonConnectionFailures.describe(ex), ex);
					ConnectionGuard current = NeonHikariDataSource.this.guard;
					if (current != null) {
						current.failed(0, ex);
					}
				}
				return SQLExceptionOverride.Override.CONTINUE_EVICT;
			}
		});
	}

	@Override
	public Connection getConnection() throws SQLException {
		return getConnection(-1);
	}

	/**
	 * A connection, waiting at most {@code maxWait} for one (instead of HikariCP's connection timeout), for
	 * checks that must answer within a timeout of their own. When none is available by then, HikariCP's timeout
	 * exception carries the pool's last connection failure (refused, TLS, login) as its cause, which an
	 * interrupted wait would hide.
	 */
	public Connection getConnection(Duration maxWait) throws SQLException {
		return getConnection(Math.max(0, maxWait.toMillis()));
	}

	private Connection getConnection(long maxWaitMillis) throws SQLException {
		NeonEndpointMonitor monitor = this.monitor;
		monitor.checkAvailable();
		ConnectionGuard current = this.guard;
		if (current != null) {
			current.beforeAcquire();
		}
		long start = System.nanoTime();
		Connection connection;
		int waiter = monitor.enter();
		try {
			// The endpoint may have gone down between the check and the registration: then nobody releases us.
			monitor.checkAvailable();
			connection = this.started ? borrow(maxWaitMillis) : start();
		}
		catch (SQLException ex) {
			if (monitor.exit(waiter) || ex instanceof NeonUnavailableException) {
				// Released because the endpoint went down while this caller waited (HikariCP saw an interrupt).
				NeonUnavailableException unavailable = monitor.unavailable();
				if (!(ex instanceof NeonUnavailableException)) {
					unavailable.initCause(ex);
				}
				throw unavailable;
			}
			// A caller interrupted while it waited (its request cancelled, a health check that timed out), or one
			// that timed out while every connection was busy, learned nothing about the endpoint: that is not the
			// pool's last failure (the health would take every instance out of rotation under load), nor an
			// outcome for the guard (a breaker does not record it, and would count it as a success).
			boolean nothingLearned = Thread.currentThread().isInterrupted() || NeonConnectionFailures.isPoolBusy(ex);
			if (!nothingLearned) {
				this.activity.failure(NeonConnectionFailures.describe(ex), ex);
			}
			if (current != null) {
				if (nothingLearned) {
					current.released();
				}
				else {
					current.failed(System.nanoTime() - start, ex);
				}
			}
			// A refused login is reported with the pool, host and user (HikariCP's own timeouts stay as they are).
			if (NeonConnectionFailures.isAuthenticationFailure(ex) && !(ex instanceof SQLTransientException)) {
				throw new NeonAuthenticationException(getPoolName(), this.endpoint.connection(), getUsername(), ex);
			}
			throw ex;
		}
		// An interrupt that raced with a successful acquisition is cleared; the caller keeps its connection.
		monitor.exit(waiter);
		if (current != null) {
			current.acquired(System.nanoTime() - start);
		}
		this.activity.success((this.activity.serverVersion() == null) ? connection.getMetaData().getDatabaseProductVersion() : null);
		return this.queries.instrument(connection, getPoolName(), monitor, this.endpoint.throughPooler(),
				this.poolerIsolation);
	}

	private Connection borrow(long maxWaitMillis) throws SQLException {
		if (maxWaitMillis >= 0 && getHikariPoolMXBean() instanceof HikariPool pool && !isClosed()) {
			return pool.getConnection(maxWaitMillis);
		}
		return super.getConnection();
	}

	/**
	 * Starts the pool and returns its first connection. HikariCP opens a connection to check the database when
	 * a pool starts and, with {@code minimumIdle=0} (the Neon default), closes it and opens another for the
	 * caller: a second TLS handshake and login, several round trips to a Neon endpoint. An idle floor of one
	 * while the pool starts keeps that first connection for the caller; the floor is zero again before the
	 * caller uses it, so idle-timeout closes it as usual.
	 * <p>
	 * Through a pooler in transaction mode, the pool's own transaction isolation level is kept from HikariCP, which
	 * would set it on each connection it opens for the session: a statement of its own, which the pooler runs on a
	 * server connection it then gives to other clients. When it differs from the role's default, each transaction
	 * is given it instead, as a level asked by the application is ({@code PoolerIsolation}).
	 */
	private synchronized Connection start() throws SQLException {
		boolean starting = getHikariPoolMXBean() == null;
		String poolIsolation = (starting && this.endpoint.throughPooler()) ? keepIsolationFromHikari() : null;
		int poolLevel = (poolIsolation != null) ? UtilityElf.getTransactionIsolation(poolIsolation) : -1;
		if (poolLevel != -1) {
			// Given to each transaction until the role's default is known to be the same (also if this start fails).
			this.poolerIsolation = poolLevel;
		}
		Connection connection;
		if (this.started || getMinimumIdle() != 0 || isClosed()) {
			this.started = true;
			connection = super.getConnection();
		}
		else {
			setMinimumIdle(1);
			try {
				connection = super.getConnection();
				this.started = true;
			}
			finally {
				setMinimumIdle(0);
			}
		}
		if (poolLevel != -1) {
			try {
				if (connection.getTransactionIsolation() == poolLevel) {
					this.poolerIsolation = -1;
				}
			}
			catch (SQLException ex) {
				// Unknown: each transaction is still given the level, which is right whatever the default.
			}
		}
		if (starting && isClosed()) {
			// Closed while HikariCP built the pool (a failed startup closes it while its TLS proof connects on
			// a thread of its own): HikariCP's close() found no pool to shut down, and this one would live on
			// behind a closed DataSource, its housekeeper, its connection and its meters.
			shutDown(connection);
			throw new SQLException("The Neon pool " + getPoolName() + " was closed while it started");
		}
		return connection;
	}

	/** Takes the pool's transaction isolation setting out of HikariCP's configuration (once) and returns it. */
	private @Nullable String keepIsolationFromHikari() {
		synchronized (this.isolationLock) {
			if (!this.isolationKept) {
				String configured = getTransactionIsolation();
				if (configured != null) {
					// HikariCP's own reading of the setting, so that a wrong one fails as it would.
					UtilityElf.getTransactionIsolation(configured);
					setTransactionIsolation(null);
				}
				this.poolIsolation = configured;
				this.isolationKept = true;
			}
			return this.poolIsolation;
		}
	}

	/**
	 * The pool's transaction isolation setting ({@code transaction-isolation}), or {@code null} for the role's
	 * default. Through a pooler HikariCP's own {@link #getTransactionIsolation()} no longer has it once the pool
	 * has started: each transaction is given the level instead (see {@link #start()}).
	 */
	public @Nullable String poolTransactionIsolation() {
		synchronized (this.isolationLock) {
			return this.isolationKept ? this.poolIsolation : getTransactionIsolation();
		}
	}

	private void shutDown(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			// The pool's shutdown closes it anyway.
		}
		// When close() saw the pool too, it shuts it down: skipped here once it has begun, harmless if both do.
		if (getHikariPoolMXBean() instanceof HikariPool pool && pool.poolState != HikariPool.POOL_SHUTDOWN) {
			try {
				pool.shutdown();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * One physical connection attempt for the monitor's probe, with the pool's URL, properties and
	 * credentials and a short connect and login timeout, validated (through a pooler this reaches the server)
	 * and closed at once.
	 */
	private void probe(Duration connectTimeout, boolean validate) throws SQLException {
		Properties properties = driverProperties();
		long seconds = Math.max(1, (connectTimeout.toMillis() + 999) / 1000);
		properties.setProperty("connectTimeout", Long.toString(seconds));
		properties.setProperty("loginTimeout", Double.toString(connectTimeout.toMillis() / 1000.0));
		properties.setProperty("socketTimeout", Long.toString(seconds));
		DriverDataSource driver = new DriverDataSource(getJdbcUrl(), getDriverClassName(), properties, getUsername(),
				getPassword());
		try (Connection connection = driver.getConnection()) {
			if (validate && !connection.isValid((int) seconds)) {
				throw new SQLException("The endpoint accepted a connection but did not answer on it", "08006");
			}
		}
	}

	/** What this pool's connection attempts say about its endpoint. */
	public NeonEndpointMonitor monitor() {
		return this.monitor;
	}

	@Override
	public void close() {
		this.monitor.close();
		super.close();
	}

	/** The installed guard, or {@code null}. */
	public @Nullable ConnectionGuard getConnectionGuard() {
		return this.guard;
	}

	/** Installs a guard consulted around every connection acquisition ({@code null} removes it). */
	public void setConnectionGuard(@Nullable ConnectionGuard guard) {
		this.guard = guard;
	}

	/**
	 * Moves {@code sslpassword} (the client key's passphrase) out of the driver properties, which HikariCP's
	 * configuration log shows at DEBUG with only {@code password} masked, into the pool, which gives it to each
	 * physical connection ({@link #driverProperties()}). Called once the pool is configured and again once
	 * {@code neon.*.hikari.data-source-properties} is bound, before the pool starts.
	 */
	public void hideSecretDriverProperties() {
		Object sslPassword = getDataSourceProperties().remove("sslpassword");
		if (sslPassword != null) {
			this.sslPassword = sslPassword.toString();
		}
	}

	/** The driver properties physical connections are made with: HikariCP's, and what is kept out of them. */
	Properties driverProperties() {
		Properties properties = new Properties();
		properties.putAll(getDataSourceProperties());
		String sslPassword = this.sslPassword;
		if (sslPassword != null) {
			properties.putIfAbsent("sslpassword", sslPassword);
		}
		return properties;
	}

	/** What the pool does with each statement: listeners (timing) and observation. */
	public QueryInstrumentation queries() {
		return this.queries;
	}

	/**
	 * Renames the pool: HikariCP's own metrics, the pool's activity, its endpoint monitor and the application name
	 * the starter gave it all take the new name ({@code neon.*.hikari.pool-name} is bound after the pool is
	 * created).
	 */
	@Override
	public void setPoolName(String poolName) {
		String previous = getPoolName();
		super.setPoolName(poolName);
		// Called by HikariConfig's constructor when a configuration file is given, before these exist.
		if (this.activity != null) {
			this.activity.rename(poolName);
			this.monitor.rename(poolName);
		}
		// The application name the starter gave (pg_stat_activity) follows; one the user set stays.
		if (previous != null && previous.equals(getDataSourceProperties().getProperty("ApplicationName"))) {
			addDataSourceProperty("ApplicationName", poolName);
		}
	}

	/** Where the pool connects, as the starter resolved it. */
	public NeonEndpoint endpoint() {
		return this.endpoint;
	}

	/**
	 * Replaces the endpoint once binding has changed what the pool connects to ({@code neon.*.hikari.jdbc-url}
	 * or {@code data-source-properties}): set by the starter's startup checks, before the pool is used.
	 */
	public void updateEndpoint(NeonEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/** What the startup TLS check found, or {@code null} if it did not run. */
	public @Nullable TlsStatus tlsStatus() {
		return this.tlsStatus;
	}

	/** Records what the startup TLS check found. */
	public void recordTlsStatus(@Nullable TlsStatus tlsStatus) {
		this.tlsStatus = tlsStatus;
	}

	/** What use of this pool has shown. */
	public NeonPoolActivity activity() {
		return this.activity;
	}

}
