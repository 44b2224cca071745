package dev.neonstarter.autoconfigure.connection;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the two Neon DataSources connect. Read by the DataSource auto-configuration; the default
 * implementation comes from {@code neon.*} properties and the {@code DATABASE_URL}/{@code DIRECT_URL}
 * environment variables. Define a bean of this type to take over (tests, service connections).
 */
public interface NeonConnectionDetails extends ConnectionDetails {

	/** The pooled (PgBouncer, {@code -pooler}) endpoint: the application's connection. */
	NeonConnectionString getPooled();

	/** The direct endpoint: migrations and session features. */
	NeonConnectionString getDirect();

}
