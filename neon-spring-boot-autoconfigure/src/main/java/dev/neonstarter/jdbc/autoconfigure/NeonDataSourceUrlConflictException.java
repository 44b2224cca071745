package dev.neonstarter.jdbc.autoconfigure;

/**
 * Thrown at startup when a Neon connection string ({@code neon.url} or {@code DATABASE_URL}) and a
 * {@code spring.datasource.url} naming another database are both set. The starter does not choose between them:
 * using either silently could send an application, or a test that meant to use another database, to a database
 * it did not mean. Carries hosts and database names only, never credentials.
 */
class NeonDataSourceUrlConflictException extends IllegalStateException {

	private final String neonSource;

	private final String neonHost;

	private final String dataSourceTarget;

	/**
	 * Creates the exception.
	 * @param neonSource where the Neon URL comes from ({@code neon.url} or {@code DATABASE_URL})
	 * @param neonHost the Neon URL's host
	 * @param dataSourceTarget what {@code spring.datasource.url} names (host, port and database, or its kind)
	 */
	public NeonDataSourceUrlConflictException(String neonSource, String neonHost, String dataSourceTarget) {
		super(neonSource + " (" + neonHost + ") and spring.datasource.url (" + dataSourceTarget
				+ ") name different databases");
		this.neonSource = neonSource;
		this.neonHost = neonHost;
		this.dataSourceTarget = dataSourceTarget;
	}

	/** {@code neon.url} or {@code DATABASE_URL}. */
	public String getNeonSource() {
		return this.neonSource;
	}

	/** The Neon URL's host. */
	public String getNeonHost() {
		return this.neonHost;
	}

	/** What {@code spring.datasource.url} names, without credentials. */
	public String getDataSourceTarget() {
		return this.dataSourceTarget;
	}

}
