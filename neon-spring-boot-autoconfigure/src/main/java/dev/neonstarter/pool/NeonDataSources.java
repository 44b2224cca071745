package dev.neonstarter.pool;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The Neon pools of an application: pooled, direct and, when configured, the read replica's. One bean of this
 * type exists while the starter provides the DataSources; health, metrics, observation and resilience take it
 * instead of looking pools up by bean name.
 */
public final class NeonDataSources {

	/** Bean name of the pooled pool (the primary DataSource unless a read replica is configured). */
	public static final String POOLED_BEAN_NAME = "neonPooledDataSource";

	/** Bean name of the direct pool: Flyway's, not a default autowire candidate. */
	public static final String DIRECT_BEAN_NAME = "neonDirectDataSource";

	/** Bean name of the read replica's pool, present when {@code neon.read-replica.url} is set. */
	public static final String REPLICA_BEAN_NAME = "neonReplicaDataSource";

	/**
	 * Bean name of the primary DataSource that routes read-only transactions to the replica and everything else to
	 * the pooled pool, present instead of a primary pooled pool when a read replica is configured.
	 */
	public static final String ROUTING_BEAN_NAME = "dataSource";

	private final NeonHikariDataSource pooled;

	private final NeonHikariDataSource direct;

	private final @Nullable NeonHikariDataSource replica;

	public NeonDataSources(NeonHikariDataSource pooled, NeonHikariDataSource direct,
			@Nullable NeonHikariDataSource replica) {
		this.pooled = pooled;
		this.direct = direct;
		this.replica = replica;
	}

	/** The pooled pool, on the {@code -pooler} endpoint. */
	public NeonHikariDataSource pooled() {
		return this.pooled;
	}

	/** The direct pool. */
	public NeonHikariDataSource direct() {
		return this.direct;
	}

	/** The read replica's pool, or {@code null} when none is configured. */
	public @Nullable NeonHikariDataSource replica() {
		return this.replica;
	}

	/**
	 * What the pool is for, whatever it is called ({@code neon.*.hikari.pool-name}): {@code pooled},
	 * {@code direct} or {@code read-replica}.
	 * @param pool one of {@link #all()}
	 */
	public String role(NeonHikariDataSource pool) {
		if (pool == this.pooled) {
			return "pooled";
		}
		if (pool == this.direct) {
			return "direct";
		}
		if (pool == this.replica) {
			return "read-replica";
		}
		throw new IllegalArgumentException("Not a pool of this application: " + pool.getPoolName());
	}

	/** Every pool: pooled, direct, then the replica's when there is one. */
	public List<NeonHikariDataSource> all() {
		return Stream.of(this.pooled, this.direct, this.replica).filter(Objects::nonNull).toList();
	}

}
