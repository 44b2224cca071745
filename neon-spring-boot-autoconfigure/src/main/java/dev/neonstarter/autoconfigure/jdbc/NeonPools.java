package dev.neonstarter.autoconfigure.jdbc;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.autoconfigure.connection.NeonConnectionString;

/**
 * Creates the HikariCP pools with defaults chosen for Neon. Every default can be overridden through
 * {@code neon.pooled.hikari.*} / {@code neon.direct.hikari.*} / {@code neon.read-replica.hikari.*}, which
 * are bound after these are set.
 */
final class NeonPools {

	static final String POOLED = "neon-pooled";

	static final String DIRECT = "neon-direct";

	static final String REPLICA = "neon-replica";

	/** pgjdbc's driver, loaded by name by HikariCP (see {@link NeonJdbcRuntimeHints}). */
	static final String DRIVER_CLASS_NAME = "org.postgresql.Driver";

	/** PgBouncer multiplexes, so a modest client pool per instance is plenty. */
	static final int POOLED_MAXIMUM_POOL_SIZE = 10;

	/** Migrations and the odd session feature: each connection is a real backend on the compute. */
	static final int DIRECT_MAXIMUM_POOL_SIZE = 2;

	/** A cold start takes a few hundred ms, rarely a few seconds; Neon recommends 10-15 s and more. */
	static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(15);

	/** Idle connections are closed after a minute so nothing is held across a suspend. */
	static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

	private NeonPools() {
	}

	/**
	 * The read replica's pool: the pooled pool's defaults, and read-only connections, as Spring's
	 * {@code LazyConnectionDataSourceProxy} expects of a read-only DataSource (pgjdbc then begins transactions
	 * with {@code BEGIN READ ONLY}, which works through the pooler).
	 */
	static NeonHikariDataSource createReplica(NeonConnectionString connection) {
		NeonHikariDataSource dataSource = create(connection, REPLICA, POOLED_MAXIMUM_POOL_SIZE);
		dataSource.setReadOnly(true);
		return dataSource;
	}

	static NeonHikariDataSource create(NeonConnectionString connection, String poolName, int maximumPoolSize) {
		NeonHikariDataSource dataSource = new NeonHikariDataSource(poolName);
		dataSource.setPoolName(poolName);
		dataSource.setDriverClassName(DRIVER_CLASS_NAME);
		dataSource.setJdbcUrl(connection.toJdbcUrl());
		dataSource.setUsername(connection.username());
		dataSource.setPassword(connection.password());
		dataSource.setDataSourceProperties(connection.toDriverProperties());
		if (connection.parameter("ApplicationName") == null) {
			// Tells the two pools apart in pg_stat_activity.
			dataSource.addDataSourceProperty("ApplicationName", poolName);
		}
		dataSource.setMaximumPoolSize(maximumPoolSize);
		// No idle floor: refilling minimumIdle after maxLifetime opens connections and can wake a suspended
		// compute; any keepalive query keeps it from suspending at all.
		dataSource.setMinimumIdle(0);
		dataSource.setKeepaliveTime(0);
		dataSource.setIdleTimeout(IDLE_TIMEOUT.toMillis());
		dataSource.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
		return dataSource;
	}

}
