package dev.neonstarter.pool;

import java.time.Duration;

/**
 * Creates the HikariCP pools with defaults chosen for Neon. Every default can be overridden through
 * {@code neon.pooled.hikari.*} / {@code neon.direct.hikari.*} / {@code neon.read-replica.hikari.*}, which
 * are bound after these are set.
 */
public final class NeonPools {

	/** The pooled pool's default name. */
	public static final String POOLED = "neon-pooled";

	/** The direct pool's default name. */
	public static final String DIRECT = "neon-direct";

	/** The read replica pool's default name. */
	public static final String REPLICA = "neon-replica";

	/** pgjdbc's driver, loaded by name by HikariCP (so it needs a reflection hint in a native image). */
	public static final String DRIVER_CLASS_NAME = "org.postgresql.Driver";

	/** pgjdbc's property that puts the server's error detail (data values) into exception messages. */
	static final String LOG_SERVER_ERROR_DETAIL = "logServerErrorDetail";

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

	/** The pooled pool ({@value #POOLED}, 10 connections) on the {@code -pooler} endpoint. */
	public static NeonHikariDataSource pooled(NeonEndpoint endpoint) {
		return create(endpoint, POOLED, POOLED_MAXIMUM_POOL_SIZE);
	}

	/** The direct pool ({@value #DIRECT}, 2 connections): migrations and session features. */
	public static NeonHikariDataSource direct(NeonEndpoint endpoint) {
		return create(endpoint, DIRECT, DIRECT_MAXIMUM_POOL_SIZE);
	}

	/**
	 * The read replica's pool ({@value #REPLICA}): the pooled pool's defaults, and read-only connections, as
	 * Spring's {@code LazyConnectionDataSourceProxy} expects of a read-only DataSource (pgjdbc then begins
	 * transactions with {@code BEGIN READ ONLY}, which works through the pooler).
	 */
	public static NeonHikariDataSource replica(NeonEndpoint endpoint) {
		NeonHikariDataSource dataSource = create(endpoint, REPLICA, POOLED_MAXIMUM_POOL_SIZE);
		dataSource.setReadOnly(true);
		return dataSource;
	}

	private static NeonHikariDataSource create(NeonEndpoint endpoint, String poolName, int maximumPoolSize) {
		NeonHikariDataSource dataSource = new NeonHikariDataSource(poolName, endpoint);
		dataSource.setDriverClassName(DRIVER_CLASS_NAME);
		dataSource.setJdbcUrl(endpoint.connection().toJdbcUrl());
		dataSource.setUsername(endpoint.connection().username());
		dataSource.setPassword(endpoint.connection().password());
		dataSource.setDataSourceProperties(endpoint.connection().toDriverProperties());
		dataSource.hideSecretDriverProperties();
		if (endpoint.connection().parameter("ApplicationName") == null) {
			// Tells the two pools apart in pg_stat_activity.
			dataSource.addDataSourceProperty("ApplicationName", poolName);
		}
		if (endpoint.connection().parameter(LOG_SERVER_ERROR_DETAIL) == null) {
			// pgjdbc copies the server's error detail into its exceptions: a unique violation's key values, a failed
			// batch entry's statement with its bound values. From there they reach logs and spans.
			dataSource.addDataSourceProperty(LOG_SERVER_ERROR_DETAIL, "false");
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
