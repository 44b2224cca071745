package dev.neonstarter.connection;

/**
 * Thrown when a Neon pooled ({@code -pooler}) endpoint is configured where the direct endpoint is required:
 * for the direct DataSource or for Flyway. PgBouncer in transaction mode cannot hold what they need (session
 * advisory locks, {@code SET}, {@code LISTEN}). Carries host names only, never credentials.
 */
public class NeonPoolerEndpointException extends IllegalStateException {

	private final String source;

	private final String pooledHost;

	private final String directHost;

	/**
	 * Creates the exception.
	 * @param source where the pooled endpoint was configured (a property, an environment variable, a bean)
	 * @param connection the offending connection string
	 */
	public NeonPoolerEndpointException(String source, NeonConnectionString connection) {
		super(source + " points at " + connection.host() + ", a Neon pooled (PgBouncer) endpoint, where the direct"
				+ " endpoint " + connection.toDirect().host() + " is required");
		this.source = source;
		this.pooledHost = connection.host();
		this.directHost = connection.toDirect().host();
	}

	/** Where the pooled endpoint was configured, e.g. {@code neon.direct-url}. */
	public String getSource() {
		return this.source;
	}

	/** The configured {@code -pooler} host. */
	public String getPooledHost() {
		return this.pooledHost;
	}

	/** The direct host to use instead (the first label without {@code -pooler}). */
	public String getDirectHost() {
		return this.directHost;
	}

}
