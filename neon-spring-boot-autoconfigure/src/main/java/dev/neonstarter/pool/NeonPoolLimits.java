package dev.neonstarter.pool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.connection.NeonAuthenticationException;
import dev.neonstarter.connection.NeonConnectionString;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Startup checks of the pool sizes against what is knowable about the endpoint. Neon's pooler accepts 10,000
 * clients; a compute's {@code max_connections} runs from 104 (0.25 CU) to 4,000, 7 of them reserved for Neon.
 * Only a single instance's pool is checked: how many instances share the compute is not knowable here.
 */
public final class NeonPoolLimits {

	/** Neon's PgBouncer {@code max_client_conn}. */
	static final int POOLER_MAX_CLIENT_CONNECTIONS = 10_000;

	/** Connections every Neon compute reserves for Neon's own superuser. */
	static final int NEON_RESERVED_CONNECTIONS = 7;

	/** {@code max_connections} of the smallest Neon compute (0.25 CU). */
	static final int SMALLEST_COMPUTE_MAX_CONNECTIONS = 104;

	/** {@code max_connections} of the largest Neon computes (9 CU and more). */
	static final int LARGEST_COMPUTE_MAX_CONNECTIONS = 4_000;

	private static final Log logger = LogFactory.getLog(NeonPoolLimits.class);

	private NeonPoolLimits() {
	}

	/**
	 * A pool on a pooler endpoint (the pooled one, or the read replica's) against Neon's pooler limit (no
	 * connection needed).
	 * @param sizeProperty the property that sets this pool's size, for the error message
	 */
	public static void checkPooled(HikariDataSource pool, NeonConnectionString connection, String sizeProperty) {
		if (connection.isPooledEndpoint() && pool.getMaximumPoolSize() > POOLER_MAX_CLIENT_CONNECTIONS) {
			throw new NeonPoolSizeException(pool.getPoolName(), sizeProperty,
					pool.getMaximumPoolSize(), POOLER_MAX_CLIENT_CONNECTIONS,
					"Neon's pooler accepts from all clients together (max_client_conn)");
		}
	}

	/**
	 * The direct pool against the compute. A pool that fits the smallest Neon compute is not checked further;
	 * a larger one is checked against the largest Neon compute, then against the server's own settings (one
	 * connection, only in that case). An unreachable server is not a reason to fail here.
	 */
	public static void checkDirect(HikariDataSource pool, NeonConnectionString connection) {
		int size = pool.getMaximumPoolSize();
		if (size <= SMALLEST_COMPUTE_MAX_CONNECTIONS - NEON_RESERVED_CONNECTIONS) {
			return;
		}
		if (connection.isNeonHost() && size > LARGEST_COMPUTE_MAX_CONNECTIONS - NEON_RESERVED_CONNECTIONS) {
			throw directTooLarge(pool, LARGEST_COMPUTE_MAX_CONNECTIONS - NEON_RESERVED_CONNECTIONS,
					"the largest Neon compute allows (max_connections " + LARGEST_COMPUTE_MAX_CONNECTIONS + " minus "
							+ NEON_RESERVED_CONNECTIONS + " reserved)");
		}
		int maxConnections;
		int reserved;
		try (Connection jdbc = pool.getConnection();
				Statement statement = jdbc.createStatement();
				ResultSet rs = statement.executeQuery("SELECT current_setting('max_connections')::int,"
						+ " current_setting('superuser_reserved_connections')::int"
						+ " + coalesce(current_setting('reserved_connections', true), '0')::int")) {
			rs.next();
			maxConnections = rs.getInt(1);
			reserved = rs.getInt(2);
		}
		catch (NeonAuthenticationException ex) {
			throw new IllegalStateException("Could not check the size of " + pool.getPoolName() + ": "
					+ ex.getMessage(), ex);
		}
		catch (SQLException ex) {
			logger.warn("Could not check " + pool.getPoolName() + "'s maximum-pool-size " + size
					+ " against the server's max_connections at startup: " + ex.getMessage());
			return;
		}
		if (connection.isNeonHost()) {
			reserved = Math.max(reserved, NEON_RESERVED_CONNECTIONS);
		}
		int available = maxConnections - reserved;
		if (size > available) {
			throw directTooLarge(pool, available, "the server at " + connection.address()
					+ " allows (max_connections " + maxConnections + " minus " + reserved + " reserved)");
		}
	}

	private static NeonPoolSizeException directTooLarge(HikariDataSource pool, int limit, String reason) {
		return new NeonPoolSizeException(pool.getPoolName(), "neon.direct.hikari.maximum-pool-size",
				pool.getMaximumPoolSize(), limit, reason);
	}

}
