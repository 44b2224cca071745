package dev.neonstarter.pool;

/**
 * A pool's {@code maximum-pool-size} is above what its endpoint accepts, so it would fail under load rather
 * than at startup.
 */
public class NeonPoolSizeException extends IllegalStateException {

	private final String poolName;

	private final String property;

	private final int configured;

	private final int limit;

	private final String limitReason;

	NeonPoolSizeException(String poolName, String property, int configured, int limit, String limitReason) {
		super(property + " is " + configured + ", above the " + limit + " connections " + limitReason);
		this.poolName = poolName;
		this.property = property;
		this.configured = configured;
		this.limit = limit;
		this.limitReason = limitReason;
	}

	/** The pool, e.g. {@code neon-direct}. */
	public String getPoolName() {
		return this.poolName;
	}

	/** The property that sets the size, e.g. {@code neon.direct.hikari.maximum-pool-size}. */
	public String getProperty() {
		return this.property;
	}

	/** The configured maximum pool size. */
	public int getConfigured() {
		return this.configured;
	}

	/** The most connections the endpoint accepts from this pool. */
	public int getLimit() {
		return this.limit;
	}

	/** Where the limit comes from, e.g. "the server at host:5432 allows (max_connections 100 minus 3 reserved)". */
	public String getLimitReason() {
		return this.limitReason;
	}

}
