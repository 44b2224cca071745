package dev.neonstarter.autoconfigure.jdbc;

import java.util.Arrays;
import java.util.List;

import dev.neonstarter.autoconfigure.NeonProperties;
import dev.neonstarter.autoconfigure.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.autoconfigure.connection.NeonConnectionDetails;
import dev.neonstarter.autoconfigure.connection.NeonConnectionString;
import dev.neonstarter.autoconfigure.connection.NeonPoolerEndpointException;
import dev.neonstarter.autoconfigure.ssl.NeonTlsPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.StringUtils;

/**
 * The connection strings the pools are built from: the configured ones with the TLS policy and the pooler's
 * constraints applied.
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

	private final NeonConnectionString replica;

	private final boolean pooledThroughPgBouncer;

	NeonDataSourceConnections(NeonConnectionDetails details, NeonProperties properties) {
		if (details.getDirect().isPooledEndpoint()) {
			throw new NeonPoolerEndpointException("The direct connection of " + details, details.getDirect());
		}
		// Service connections (containers, Spring Boot's JdbcConnectionDetails) say in their URL how to use TLS.
		NeonProperties.Ssl ssl = details.isSslConfiguredByProperties() ? properties.getSsl() : new NeonProperties.Ssl();
		NeonTlsPolicy.Decision pooledTls = NeonTlsPolicy.apply(details.getPooled(), ssl);
		NeonTlsPolicy.Decision directTls = NeonTlsPolicy.apply(details.getDirect(), ssl);
		NeonConnectionString configuredReplica = readReplica(details.getPooled(), properties);
		// The replica always comes from neon.read-replica.url, so neon.ssl.* applies to it.
		NeonTlsPolicy.Decision replicaTls = (configuredReplica != null)
				? NeonTlsPolicy.apply(configuredReplica, properties.getSsl()) : null;
		logTlsUpgrade(pooledTls, directTls, replicaTls);
		this.pooled = withPreparedStatements(pooledTls.connection(), properties);
		this.direct = directTls.connection();
		this.pooledThroughPgBouncer = this.pooled.isPooledEndpoint() || !sameServer(this.pooled, this.direct);
		if (this.pooledThroughPgBouncer) {
			checkPoolerParameters(this.pooled.parameters().keySet());
			if (!this.pooled.isNeonHost()
					&& properties.getPooled().getPreparedStatements() == NeonProperties.PreparedStatements.SERVER) {
				warnUnknownPooler(this.pooled);
			}
		}
		// A replica's pooled endpoint is a PgBouncer like the primary's, so it gets the same statement mode.
		this.replica = (replicaTls != null) ? withPreparedStatements(replicaTls.connection(), properties) : null;
		if (this.replica != null && this.replica.isPooledEndpoint()) {
			checkPoolerParameters(this.replica.parameters().keySet(), NeonDataSourceAutoConfiguration.READ_REPLICA_URL);
		}
	}

	/**
	 * The read replica from {@code neon.read-replica.url}, or {@code null}: a direct Neon host becomes its
	 * {@code -pooler} host; user and password default to the primary's (Neon replicas share its roles), and
	 * {@code neon.username}/{@code neon.password} override them as they do for the other pools.
	 */
	private static NeonConnectionString readReplica(NeonConnectionString primary, NeonProperties properties) {
		String url = properties.getReadReplica().getUrl();
		if (!StringUtils.hasText(url)) {
			return null;
		}
		NeonConnectionString replica;
		try {
			replica = NeonConnectionString.parse(url);
		}
		catch (InvalidNeonConnectionStringException ex) {
			throw ex.withSource(NeonDataSourceAutoConfiguration.READ_REPLICA_URL);
		}
		if (replica.username() == null) {
			replica = replica.withCredentials(primary.username(), primary.password());
		}
		return replica.withCredentials(blankToNull(properties.getUsername()), blankToNull(properties.getPassword()))
			.toPooled();
	}

	/**
	 * Neon's pooler tracks protocol-level prepared statements (PgBouncer 1.22 with max_prepared_statements set);
	 * another pooler may not, and nothing a client can ask tells reliably (PgBouncer's settings are only on its
	 * admin console), so the starter warns instead of checking.
	 */
	private static void warnUnknownPooler(NeonConnectionString pooled) {
		logger.warn("The pooled endpoint " + pooled.host() + ":" + pooled.port() + " is not a Neon host and differs"
				+ " from the direct one, so the starter takes it for a pooler in transaction mode."
				+ " neon.pooled.prepared-statements=server needs a pooler that tracks protocol-level prepared"
				+ " statements (PgBouncer 1.21+ with max_prepared_statements > 0, as Neon's). One that does not can"
				+ " bind a statement to another client's prepared statement of the same name, so that wrong SQL"
				+ " runs, not just fails. Set neon.pooled.prepared-statements=disabled unless your pooler tracks"
				+ " them");
	}

	private static NeonConnectionString withPreparedStatements(NeonConnectionString connection,
			NeonProperties properties) {
		return (properties.getPooled().getPreparedStatements() == NeonProperties.PreparedStatements.DISABLED)
				? connection.withParameter("prepareThreshold", "0") : connection;
	}

	private static void logTlsUpgrade(NeonTlsPolicy.Decision... decisions) {
		NeonTlsPolicy.Decision shown = Arrays.stream(decisions)
			.filter((decision) -> decision != null && decision.upgraded())
			.findFirst()
			.orElse(null);
		if (shown != null) {
			logger.info("Neon host: using sslmode=verify-full"
					+ ((shown.modeInUrl() != null) ? " instead of the URL's sslmode=" + shown.modeInUrl().value() : "")
					+ ", verified against " + (shown.connection().parameter("sslrootcert") != null
							? "the root certificate " + shown.connection().parameter("sslrootcert")
							: "the JDK trust store")
					+ "; set neon.ssl.mode to choose another mode");
		}
	}

	NeonConnectionString pooled() {
		return this.pooled;
	}

	NeonConnectionString direct() {
		return this.direct;
	}

	/** The read replica's connection, or {@code null} when none is configured. */
	NeonConnectionString replica() {
		return this.replica;
	}

	/**
	 * Whether the pooled endpoint is a pooler: a Neon {@code -pooler} host, or any endpoint other than the
	 * direct one.
	 */
	boolean pooledThroughPgBouncer() {
		return this.pooledThroughPgBouncer;
	}

	static void checkPoolerParameters(Iterable<?> parameterNames) {
		checkPoolerParameters(parameterNames, "the pooled connection");
	}

	static void checkPoolerParameters(Iterable<?> parameterNames, String source) {
		for (Object name : parameterNames) {
			if (REJECTED_BY_POOLER.contains(String.valueOf(name))) {
				throw new InvalidNeonConnectionStringException("parameter '" + name + "' would be sent as a startup"
						+ " parameter, which Neon's pooler (PgBouncer) rejects; set it on the role instead (ALTER ROLE"
						+ " ... SET search_path = ...), or give it only in neon.direct-url for the direct endpoint",
						source);
			}
		}
	}

	private static String blankToNull(String value) {
		return StringUtils.hasText(value) ? value : null;
	}

	private static boolean sameServer(NeonConnectionString a, NeonConnectionString b) {
		return a.host().equalsIgnoreCase(b.host()) && a.port() == b.port();
	}

}
