package dev.neonstarter.jdbc.autoconfigure;

/**
 * A JVM that starts the starter's embedded PostgreSQL, prints its port and waits to be killed
 * ({@link NeonEmbeddedPostgresIntegrationTests}).
 */
public final class EmbeddedPostgresKilled {

	private EmbeddedPostgresKilled() {
	}

	public static void main(String[] args) throws Exception {
		NeonEmbeddedDatabase database = NeonEmbeddedDatabase.onOwnServer();
		System.out.println("embedded port " + database.server().getPort());
		Thread.sleep(Long.MAX_VALUE);
	}

}
