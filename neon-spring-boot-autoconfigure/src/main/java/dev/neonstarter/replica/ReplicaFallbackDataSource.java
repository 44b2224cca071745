package dev.neonstarter.replica;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The read-only side of the routing DataSource: connections from the replica pool, or, when none can be had
 * (replica unreachable, its circuit breaker open), a read-only connection from the pooled primary. Only the
 * acquisition falls back: a connection that fails in use fails its transaction, as any other would.
 */
public final class ReplicaFallbackDataSource extends DelegatingDataSource {

	private static final Log logger = LogFactory.getLog(ReplicaFallbackDataSource.class);

	private final DataSource primary;

	private final NeonReplicaFallbacks fallbacks;

	private final AtomicBoolean fallingBack = new AtomicBoolean();

	public ReplicaFallbackDataSource(DataSource replica, DataSource primary, NeonReplicaFallbacks fallbacks) {
		super(replica);
		this.primary = primary;
		this.fallbacks = fallbacks;
	}

	@Override
	public Connection getConnection() throws SQLException {
		Connection replica;
		try {
			replica = obtainTargetDataSource().getConnection();
		}
		catch (SQLException replicaFailure) {
			return fallBack(replicaFailure);
		}
		// Read first: every read-only transaction passes here, and a compare-and-set writes the shared flag.
		if (this.fallingBack.get() && this.fallingBack.compareAndSet(true, false)) {
			logger.info("Read replica is serving read-only transactions again");
		}
		return replica;
	}

	private Connection fallBack(SQLException replicaFailure) throws SQLException {
		Connection connection;
		try {
			connection = this.primary.getConnection();
		}
		catch (SQLException primaryFailure) {
			primaryFailure.addSuppressed(replicaFailure);
			throw primaryFailure;
		}
		try {
			// The routing proxy leaves read-only to a read-only DataSource's own default; the primary's is
			// read-write. HikariCP restores that when the connection goes back to the pool.
			connection.setReadOnly(true);
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
		this.fallbacks.record(replicaFailure);
		if (this.fallingBack.compareAndSet(false, true)) {
			logger.warn("Read replica unavailable, read-only transactions run on the primary until it is back: "
					+ NeonReplicaFallbacks.reason(replicaFailure));
		}
		return connection;
	}

}
