package dev.neonstarter.pool;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
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

	private final HikariConfig config;

	private final NeonEndpointMonitor monitor;

	private volatile @Nullable DataSource driver;

	PhysicalConnections(HikariConfig config, NeonEndpointMonitor monitor) {
		this.config = config;
		this.monitor = monitor;
	}

	private DataSource driver() {
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

	/** What HikariCP makes without a DataSource: from {@code data-source-class-name} if set, else from the URL. */
	private DataSource create() {
		String className = this.config.getDataSourceClassName();
		if (className != null) {
			DataSource dataSource = UtilityElf.createInstance(className, DataSource.class);
			PropertyElf.setTargetFromProperties(dataSource, this.config.getDataSourceProperties());
			return dataSource;
		}
		return new DriverDataSource(this.config.getJdbcUrl(), this.config.getDriverClassName(),
				this.config.getDataSourceProperties(), this.config.getUsername(), this.config.getPassword());
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

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		driver().setLoginTimeout(seconds);
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return driver().getLoginTimeout();
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
