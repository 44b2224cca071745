package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.connection.NeonConnectionString;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the two Neon DataSources connect. Read by the DataSource auto-configuration before any
 * {@code neon.*} connection property: a bean of this type (a Testcontainers {@code @ServiceConnection}, a
 * test's own bean) takes over; without one, Spring Boot's {@code JdbcConnectionDetails} is used when present
 * (Docker Compose, Boot's own service connections), else {@code neon.*} properties and the
 * {@code DATABASE_URL}/{@code DIRECT_URL} environment variables.
 */
public interface NeonConnectionDetails extends ConnectionDetails {

	/** The pooled (PgBouncer, {@code -pooler}) endpoint: the application's connection. */
	NeonConnectionString getPooled();

	/** The direct endpoint: migrations and session features. */
	NeonConnectionString getDirect();

	/**
	 * The read replica's endpoint, or {@code null} for none (the default). Without one from the connection
	 * details, {@code neon.read-replica.url} is used, unless the details describe a server of their own
	 * ({@link #isSslConfiguredByProperties()} {@code false}): then the replica's pool uses {@link #getPooled()}, so
	 * a test on a container or an embedded database never reaches the replica the property names. The replica's
	 * pool is created when {@code neon.read-replica.url} is set.
	 */
	default @Nullable NeonConnectionString getReadReplica() {
		return null;
	}

	/**
	 * Whether the {@code neon.ssl.*} properties apply to these connections. Connection details that describe
	 * a server of their own (a container, an embedded or Docker Compose database) return {@code false}: their
	 * connection strings say which TLS to use, as with Spring Boot's own DataSource, so an application's
	 * production {@code neon.ssl.mode} does not break its tests, and {@code neon.read-replica.url} does not apply to
	 * them either ({@link #getReadReplica()}). Neon hosts get {@code verify-full} either way.
	 */
	default boolean isSslConfiguredByProperties() {
		return true;
	}

}
