package dev.neonstarter.autoconfigure.jdbc;

import java.util.List;

import dev.neonstarter.autoconfigure.NeonProperties;
import dev.neonstarter.autoconfigure.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.autoconfigure.connection.NeonConnectionDetails;
import dev.neonstarter.autoconfigure.connection.NeonConnectionString;
import dev.neonstarter.autoconfigure.connection.NeonPoolerEndpointException;
import dev.neonstarter.autoconfigure.ssl.NeonTlsPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The connection strings the two pools are built from: the configured ones with the TLS policy and the
 * pooler's constraints applied.
 */
final class NeonDataSourceConnections {

	/**
	 * pgjdbc properties that become startup parameters PgBouncer rejects ("unsupported startup parameter"):
	 * Neon's pooler accepts only client_encoding, datestyle, timezone, standard_conforming_strings and
	 * application_name.
	 */
	static final List<String> REJECTED_BY_POOLER = List.of("options", "currentSchema");

	private static final Log logger = LogFactory.getLog(NeonDataSourceConnections.class);

	private final NeonConnectionString pooled;

	private final NeonConnectionString direct;

	private final boolean pooledThroughPgBouncer;

	NeonDataSourceConnections(NeonConnectionDetails details, NeonProperties properties) {
		if (details.getDirect().isPooledEndpoint()) {
			throw new NeonPoolerEndpointException("The direct connection of " + details, details.getDirect());
		}
		NeonProperties.Ssl ssl = details.isSslConfiguredByProperties() ? properties.getSsl() : new NeonProperties.Ssl();
		NeonTlsPolicy.Decision pooledTls = NeonTlsPolicy.apply(details.getPooled(), ssl);
		NeonTlsPolicy.Decision directTls = NeonTlsPolicy.apply(details.getDirect(), ssl);
		if (pooledTls.upgraded() || directTls.upgraded()) {
			NeonTlsPolicy.Decision shown = pooledTls.upgraded() ? pooledTls : directTls;
			logger.info("Neon host: using sslmode=verify-full"
					+ ((shown.modeInUrl() != null) ? " instead of the URL's sslmode=" + shown.modeInUrl().value() : "")
					+ ", verified against " + (shown.connection().parameter("sslrootcert") != null
							? "the root certificate " + shown.connection().parameter("sslrootcert")
							: "the JDK trust store")
					+ "; set neon.ssl.mode to choose another mode");
		}
		NeonConnectionString pooledConnection = pooledTls.connection();
		if (properties.getPooled().getPreparedStatements() == NeonProperties.PreparedStatements.DISABLED) {
			pooledConnection = pooledConnection.withParameter("prepareThreshold", "0");
		}
		this.pooled = pooledConnection;
		this.direct = directTls.connection();
		this.pooledThroughPgBouncer = this.pooled.isPooledEndpoint() || !sameServer(this.pooled, this.direct);
		if (this.pooledThroughPgBouncer) {
			checkPoolerParameters(this.pooled.parameters().keySet());
		}
	}

	NeonConnectionString pooled() {
		return this.pooled;
	}

	NeonConnectionString direct() {
		return this.direct;
	}

	/**
	 * Whether the pooled endpoint is a pooler: a Neon {@code -pooler} host, or any endpoint other than the
	 * direct one.
	 */
	boolean pooledThroughPgBouncer() {
		return this.pooledThroughPgBouncer;
	}

	static void checkPoolerParameters(Iterable<?> parameterNames) {
		for (Object name : parameterNames) {
			if (REJECTED_BY_POOLER.contains(String.valueOf(name))) {
				throw new InvalidNeonConnectionStringException("parameter '" + name + "' would be sent as a startup"
						+ " parameter, which Neon's pooler (PgBouncer) rejects; set it on the role instead (ALTER ROLE"
						+ " ... SET search_path = ...), or give it only in neon.direct-url for the direct endpoint",
						"the pooled connection");
			}
		}
	}

	private static boolean sameServer(NeonConnectionString a, NeonConnectionString b) {
		return a.host().equalsIgnoreCase(b.host()) && a.port() == b.port();
	}

}
