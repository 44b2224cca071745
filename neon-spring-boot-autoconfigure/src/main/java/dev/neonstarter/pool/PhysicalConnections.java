package dev.neonstarter.pool;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.util.DriverDataSource;
import com.zaxxer.hikari.util.PropertyElf;
import com.zaxxer.hikari.util.UtilityElf;
import org.jspecify.annotations.Nullable;

/**
 * The DataSource a Neon pool gives HikariCP to make its physical connections: the {@link DriverDataSource}
 * HikariCP would make itself from the pool's {@code jdbc-url}, driver, {@code data-source-properties} and
 * credentials, or the {@code data-source-class-name} instance it would make (read when the pool starts, so
 * everything bound from {@code neon.*.hikari.*} applies; HikariCP logs that it ignores that class name), with
 * the outcome of every attempt, HikariCP's background ones included, told to the pool's
 * {@link NeonEndpointMonitor}.
 */
final class PhysicalConnections implements DataSource {

	/** pgjdbc's (and its data sources') name for the login timeout, in seconds. */
	private static final String LOGIN_TIMEOUT = "loginTimeout";

	private final NeonHikariDataSource config;

	private final NeonEndpointMonitor monitor;

	private volatile @Nullable DataSource driver;

	/** HikariCP's login timeout for this pool, in seconds (0: the driver's own). */
	private volatile int loginTimeout;

	PhysicalConnections(NeonHikariDataSource config, NeonEndpointMonitor monitor) {
		this.config = config;
		this.monitor = monitor;
	}

	private DataSource driver() throws SQLException {
		DataSource current = this.driver;
		if (current == null) {
			synchronized (this) {
				current = this.driver;
				if (current == null) {
					current = create();
					this.driver = current;
				}
			}
		}
		return current;
	}

	/**
	 * What HikariCP makes without a DataSource: from {@code data-source-class-name} if set, else from the URL.
	 * HikariCP hands a {@link DriverDataSource} its login timeout ({@code connection-timeout} + 0.5 s) through
	 * {@code DriverManager.setLoginTimeout}, a setting of the whole JVM that pgjdbc never reads (its own
	 * {@code loginTimeout} defaults to 0, no limit): a login that stalled after the TCP connect (a black-holed
	 * endpoint, a hung proxy) held HikariCP's only connection-adding thread until the kernel gave up. Here each
	 * pool's connections carry the pool's own {@code loginTimeout}, unless {@code data-source-properties} or the
	 * URL set one, and the JVM's setting is left alone.
	 */
	private DataSource create() throws SQLException {
		String className = this.config.getDataSourceClassName();
		if (className != null) {
			DataSource dataSource = UtilityElf.createInstance(className, DataSource.class);
			PropertyElf.setTargetFromProperties(dataSource, this.config.driverProperties());
			if (this.loginTimeout > 0 && !setByUser()) {
				dataSource.setLoginTimeout(this.loginTimeout);
			}
			return dataSource;
		}
		Properties properties = new Properties();
		properties.putAll(this.config.driverProperties());
		if (this.loginTimeout > 0) {
			properties.putIfAbsent(LOGIN_TIMEOUT, Integer.toString(this.loginTimeout));
		}
		return new DriverDataSource(this.config.getJdbcUrl(), this.config.getDriverClassName(), properties,
				this.config.getUsername(), this.config.getPassword());
	}

	@Override
	public Connection getConnection() throws SQLException {
		return recorded(null, null, false);
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return recorded(username, password, true);
	}

	private Connection recorded(String username, String password, boolean withCredentials) throws SQLException {
		Connection connection;
		try {
			connection = withCredentials ? driver().getConnection(username, password) : driver().getConnection();
		}
		catch (SQLException ex) {
			this.monitor.connectFailed(ex);
			throw ex;
		}
		this.monitor.connected();
		return connection;
	}

	@Override
	public PrintWriter getLogWriter() throws SQLException {
		return driver().getLogWriter();
	}

	@Override
	public void setLogWriter(PrintWriter out) throws SQLException {
		driver().setLogWriter(out);
	}

	/** Kept for this pool's connections ({@link #create()}), never set for the whole JVM. */
	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		synchronized (this) {
			boolean changed = this.loginTimeout != seconds;
			this.loginTimeout = seconds;
			DataSource current = this.driver;
			if (current instanceof DriverDataSource) {
				// Its properties are copied when it is made: make it again with the new timeout.
				this.driver = changed ? null : current;
			}
			else if (current != null && !setByUser()) {
				current.setLoginTimeout(seconds);
			}
		}
	}

	/** Whether {@code data-source-properties} set a login timeout, which then wins over HikariCP's. */
	private boolean setByUser() {
		return this.config.getDataSourceProperties().containsKey(LOGIN_TIMEOUT);
	}

	@Override
	public int getLoginTimeout() {
		return this.loginTimeout;
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException();
	}

	@Override
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return iface.cast(this);
		}
		return driver().unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || driver().isWrapperFor(iface);
	}

}
