package dev.neonstarter.pool;

import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.ssl.NeonTlsPolicy;

/**
 * Where a Neon pool connects, as the starter resolved it once: the effective connection string (credentials,
 * TLS parameters and pooler settings applied) and the TLS decision that shaped it. Carried by the pool
 * ({@link NeonHikariDataSource#endpoint()}), so checks, diagnostics, health and metrics read it instead of
 * parsing a JDBC URL again.
 * @param connection the connection string the pool uses (its password is masked in {@code toString()})
 * @param tls how TLS was decided
 * @param throughPooler whether the endpoint is a pooler in transaction mode (a Neon {@code -pooler} host, or a
 * pooled endpoint other than the direct one)
 */
public record NeonEndpoint(NeonConnectionString connection, NeonTlsPolicy.Decision tls, boolean throughPooler) {

	/** {@code host:port}, for messages. */
	public String target() {
		return this.connection.address();
	}

}
