package dev.neonstarter.autoconfigure.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import com.zaxxer.hikari.pool.HikariPool;
import com.zaxxer.hikari.util.DriverDataSource;
import dev.neonstarter.autoconfigure.jdbc.observation.NeonQueryObservationConvention;
import dev.neonstarter.autoconfigure.resilience.NeonUnavailableException;
import io.micrometer.observation.ObservationRegistry;

/**
 * A {@link HikariDataSource} that records the outcome of each {@link #getConnection()} in its
 * {@link NeonPoolActivity} (a volatile write on success), asks its {@link ConnectionGuard} (the circuit
 * breaker) before and after each acquisition when one is installed, and hands out connections that time their
 * statements when a {@link QueryListener} is registered or observe them when an {@link ObservationRegistry} is
 * set. Its first {@code getConnection()} starts the pool and hands out the connection HikariCP opened to check
 * the database, which HikariCP would close when {@code minimumIdle} is 0.
 * <p>
 * HikariCP makes its physical connections through {@link PhysicalConnections}, which tells the pool's
 * {@link NeonEndpointMonitor} how each attempt ended: while the monitor says the endpoint is down,
 * {@code getConnection()} throws {@link NeonUnavailableException} at once, and callers already waiting for a
 * connection are released with the same exception. Statements are wrapped too while the monitor watches for
 * stalled ones ({@code neon.monitor.stall-timeout}).
 */
public class NeonHikariDataSource extends HikariDataSource {

	private static final Set<String> CONNECTION_FAILURE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

	private final NeonPoolActivity activity;

	private final NeonEndpointMonitor monitor;

	private final List<QueryListener> queryListeners = new CopyOnWriteArrayList<>();

	private volatile ConnectionGuard guard;

	private volatile QueryObservations observations;

	private volatile boolean started;

	NeonHikariDataSource(String poolName) {
		this.activity = new NeonPoolActivity(poolName);
		this.monitor = new NeonEndpointMonitor(poolName);
		this.monitor.setProbe(this::probe);
		// Without a DataSource HikariCP would make a DriverDataSource from jdbcUrl; this one makes the same and
		// reports every physical connection attempt to the monitor.
		setDataSource(new PhysicalConnections(this, this.monitor));
		this.monitor.onTransition((state) -> {
			if (state == NeonEndpointMonitor.State.DOWN) {
				this.activity.failure(this.monitor.downReason(), this.monitor.downCause());
			}
		});
		// HikariCP shows every SQLException from a connection to this hook (to decide on eviction): record
		// the ones that mean the connection or server is gone, then let HikariCP decide as usual.
		setExceptionOverride(new SQLExceptionOverride() {
			@java.lang.Override
			public SQLExceptionOverride.Override adjudicate(SQLException ex) {
				if (isConnectionFailure(ex.getSQLState())) {
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

	/**
	 * Whether a SQLState says the connection or the server is gone: connection exceptions (08xxx), admin or
	 * crash shutdown and "cannot connect now" (57P01-57P03, e.g. a compute suspending or starting), too many
	 * connections (53300). The one definition the pools' failure tracking and {@code NeonTransientErrors}
	 * share.
	 */
	public static boolean isConnectionFailure(String sqlState) {
		return sqlState != null && (sqlState.startsWith("08") || CONNECTION_FAILURE_STATES.contains(sqlState));
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
		NeonEndpointMonitor.Waiter waiter = monitor.enter();
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
			this.activity.failure(NeonConnectionFailures.describe(ex), ex);
			if (current != null) {
				current.failed(System.nanoTime() - start, ex);
			}
			// A refused login is reported with the pool, host and user (HikariCP's own timeouts stay as they are).
			if (NeonAuthenticationException.isAuthenticationFailure(ex) && !(ex instanceof SQLTransientException)) {
				throw new NeonAuthenticationException(getPoolName(), getJdbcUrl(), getUsername(), ex);
			}
			throw ex;
		}
		// An interrupt that raced with a successful acquisition is cleared; the caller keeps its connection.
		monitor.exit(waiter);
		if (current != null) {
			current.acquired(System.nanoTime() - start);
		}
		this.activity.success((this.activity.serverVersion() == null) ? connection.getMetaData().getDatabaseProductVersion() : null);
		QueryObservations observations = this.observations;
		return (this.queryListeners.isEmpty() && observations == null && !monitor.watchesStatements()) ? connection
				: QueryTiming.wrap(connection, getPoolName(), this.queryListeners, observations, monitor);
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
	 */
	private synchronized Connection start() throws SQLException {
		if (this.started || getMinimumIdle() != 0 || isClosed()) {
			this.started = true;
			return super.getConnection();
		}
		setMinimumIdle(1);
		try {
			Connection connection = super.getConnection();
			this.started = true;
			return connection;
		}
		finally {
			setMinimumIdle(0);
		}
	}

	/**
	 * One physical connection attempt for the monitor's probe, with the pool's URL, properties and
	 * credentials and a short connect and login timeout, validated (through a pooler this reaches the server)
	 * and closed at once.
	 */
	private void probe(Duration connectTimeout, boolean validate) throws SQLException {
		Properties properties = new Properties();
		properties.putAll(getDataSourceProperties());
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
	public ConnectionGuard getConnectionGuard() {
		return this.guard;
	}

	/** Installs a guard consulted around every connection acquisition ({@code null} removes it). */
	public void setConnectionGuard(ConnectionGuard guard) {
		this.guard = guard;
	}

	/** Times every statement executed through this pool from now on and reports it to the listener. */
	public void addQueryListener(QueryListener listener) {
		this.queryListeners.add(listener);
	}

	/**
	 * Observes every statement executed through this pool from now on ({@code neon.queries}, see
	 * {@link dev.neonstarter.autoconfigure.jdbc.observation.DefaultNeonQueryObservationConvention}).
	 * @param registry the registry, or {@code null} (or a no-op one) to stop observing
	 * @param convention the application's convention, or {@code null} for a global one or the default
	 */
	public void setObservationRegistry(ObservationRegistry registry, NeonQueryObservationConvention convention) {
		this.observations = (registry != null && !registry.isNoop()) ? new QueryObservations(registry, convention)
				: null;
	}

	/** Whether statements through this pool are observed. */
	public boolean isObserved() {
		return this.observations != null;
	}

	/** What use of this pool has shown. */
	public NeonPoolActivity activity() {
		return this.activity;
	}

}
