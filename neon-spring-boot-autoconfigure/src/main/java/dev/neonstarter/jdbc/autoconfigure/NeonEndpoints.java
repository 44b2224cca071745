package dev.neonstarter.jdbc.autoconfigure;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.neonstarter.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.connection.NeonPoolerEndpointException;
import dev.neonstarter.pool.NeonEndpoint;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.ssl.NeonTlsPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGProperty;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.StringUtils;

/**
 * The endpoint pipeline, run once: from the {@link NeonConnectionDetails} to the {@link NeonEndpoint} of each
 * pool (pooled, direct, optional read replica), with the TLS policy and the pooler's rules applied. Every
 * endpoint rule lives here: the direct endpoint is never the pooler ({@link #requireDirect}), the pooler rejects
 * some startup parameters ({@link #checkPoolerParameters}), credentials default to the primary's
 * ({@link #withDefaultCredentials}); and once binding has run, {@link #checkBound} reads what
 * {@code neon.*.hikari.*} changed.
 */
final class NeonEndpoints {

	/**
	 * pgjdbc properties that become startup parameters PgBouncer rejects ("unsupported startup parameter"):
	 * Neon's pooler accepts only client_encoding, datestyle, timezone, standard_conforming_strings and
	 * application_name.
	 */
	static final List<String> REJECTED_BY_POOLER = List.of("options", "currentSchema");

	private static final String PGJDBC_URL_PREFIX = "jdbc:postgresql://";

	private static final Log logger = LogFactory.getLog(NeonEndpoints.class);

	/** One argument of a function call: quoted strings ('' inside) and anything but a comma or a parenthesis. */
	private static final String ARGUMENT = "(?:'(?:[^']|'')*'|[^,()'])*";

	/** A call of {@code set_config}, its third argument ({@code is_local}) captured. */
	private static final Pattern SET_CONFIG = Pattern
		.compile("(?i)\\bset_config\\s*\\((?:" + ARGUMENT + ",){2}(" + ARGUMENT + ")\\)");

	private final NeonEndpoint pooled;

	private final NeonEndpoint direct;

	private final @Nullable NeonEndpoint replica;

	NeonEndpoints(NeonConnectionDetails details, NeonProperties properties) {
		requireDirect("The direct connection of " + details, details.getDirect());
		// Service connections (containers, Spring Boot's JdbcConnectionDetails) say in their URL how to use TLS.
		NeonProperties.Ssl ssl = details.isSslConfiguredByProperties() ? properties.getSsl() : new NeonProperties.Ssl();
		NeonTlsPolicy.Decision pooledTls = tls(details.getPooled(), ssl);
		NeonTlsPolicy.Decision directTls = tls(details.getDirect(), ssl);
		NeonTlsPolicy.Decision replicaTls = replicaTls(details, properties, ssl, pooledTls);
		logTlsUpgrade(pooledTls, directTls, replicaTls);
		NeonConnectionString pooledConnection = withPreparedStatements(pooledTls.connection(), properties);
		NeonConnectionString directConnection = directTls.connection();
		boolean pooledThroughPooler = pooledConnection.isPooledEndpoint()
				|| !sameServer(pooledConnection, directConnection);
		if (pooledThroughPooler) {
			checkPoolerParameters(pooledConnection.parameters().keySet(), "the pooled connection");
			if (!pooledConnection.isNeonHost()
					&& properties.getPooled().getPreparedStatements() == NeonProperties.PreparedStatements.SERVER) {
				warnUnknownPooler(pooledConnection);
			}
		}
		this.pooled = new NeonEndpoint(pooledConnection, pooledTls, pooledThroughPooler);
		this.direct = new NeonEndpoint(directConnection, directTls, false);
		if (replicaTls != null) {
			// A replica's pooled endpoint is a PgBouncer like the primary's, so it gets the same statement mode.
			NeonConnectionString replicaConnection = withPreparedStatements(replicaTls.connection(), properties);
			if (replicaConnection.isPooledEndpoint()) {
				checkPoolerParameters(replicaConnection.parameters().keySet(), NeonProperties.READ_REPLICA_URL);
			}
			this.replica = new NeonEndpoint(replicaConnection, replicaTls, replicaConnection.isPooledEndpoint());
		}
		else {
			this.replica = null;
		}
	}

	NeonEndpoint pooled() {
		return this.pooled;
	}

	NeonEndpoint direct() {
		return this.direct;
	}

	/** The read replica's endpoint, or {@code null} when none is configured. */
	@Nullable NeonEndpoint replica() {
		return this.replica;
	}

	/**
	 * Checks a pool once {@code neon.*.hikari.*} is bound, which may have replaced the URL the pool was built with
	 * ({@code jdbc-url}) or added driver properties ({@code data-source-properties}): the pooler still gets no
	 * startup parameter it rejects, the direct pool is still not on the pooler, and the pool's endpoint says what
	 * it now connects to (the sslmode included), so later checks and diagnostics read the truth.
	 * @param prefix the pool's {@code neon.*.hikari} prefix, for messages
	 * @param direct whether this is the direct pool
	 */
	static void checkBound(NeonHikariDataSource dataSource, String prefix, boolean direct) {
		NeonEndpoint endpoint = dataSource.endpoint();
		dataSource.hideSecretDriverProperties();
		Properties driverProperties = dataSource.getDataSourceProperties();
		if (dataSource.getDataSourceClassName() == null) {
			warnUnknownDriverProperties(driverProperties, prefix);
		}
		if (endpoint.throughPooler()) {
			checkPoolerParameters(driverProperties.keySet(), prefix + ".data-source-properties");
			checkPoolerInitSql(dataSource.getConnectionInitSql(), prefix + ".connection-init-sql");
		}
		NeonConnectionString connection = endpoint.connection();
		NeonConnectionString boundUrl = null;
		if (!Objects.equals(dataSource.getJdbcUrl(), connection.toJdbcUrl())) {
			// A URL of another scheme (a wrapping driver's) leaves the checks to the one configured; a pgjdbc URL
			// the starter cannot read fails, since pgjdbc would use its parameters (its sslmode first) unchecked.
			String jdbcUrl = dataSource.getJdbcUrl();
			boundUrl = (jdbcUrl != null && jdbcUrl.strip().regionMatches(true, 0, PGJDBC_URL_PREFIX, 0,
					PGJDBC_URL_PREFIX.length())) ? parse(jdbcUrl, prefix + ".jdbc-url") : parseOrNull(jdbcUrl);
			connection = Objects.requireNonNullElse(boundUrl, connection);
			if (direct) {
				requireDirect(prefix + ".jdbc-url", connection);
			}
		}
		NeonTlsPolicy.Decision tls = NeonTlsPolicy.bound(endpoint.tls(), boundUrl, driverProperties, prefix);
		if (connection != endpoint.connection() || tls != endpoint.tls()) {
			dataSource.updateEndpoint(new NeonEndpoint(connection, tls, endpoint.throughPooler()));
		}
	}

	/**
	 * pgjdbc ignores a driver property it does not know, and Spring Boot lower-cases the map keys that environment
	 * variables bind ({@code NEON_POOLED_HIKARI_DATASOURCEPROPERTIES_SOCKETTIMEOUT} gives {@code sockettimeout}): such
	 * a setting would be lost without a word. Names only, never values. (With a {@code data-source-class-name} the
	 * keys are that DataSource's bean properties instead, which this does not judge.)
	 */
	private static void warnUnknownDriverProperties(Properties driverProperties, String prefix) {
		for (String name : new TreeSet<>(driverProperties.stringPropertyNames())) {
			if (PGProperty.forName(name) == null) {
				String spelling = NeonConnectionString.pgjdbcSpelling(name);
				logger.warn(prefix + ".data-source-properties." + name + " is not a pgjdbc connection property, so"
						+ " pgjdbc ignores it" + ((spelling != null) ? " (pgjdbc spells it '" + spelling + "'; an"
								+ " environment variable gives a map key in lower case: set it in a configuration file,"
								+ " SPRING_APPLICATION_JSON or the URL)" : "; remove it"));
			}
		}
	}

	/**
	 * The rule that Flyway, session features and the direct pool need a direct endpoint: Neon's pooler runs
	 * PgBouncer in transaction mode, which holds neither advisory locks nor session state.
	 * @param source what gave the connection string, for the message
	 */
	static void requireDirect(String source, NeonConnectionString connection) {
		if (connection.isPooledEndpoint()) {
			throw new NeonPoolerEndpointException(source, connection);
		}
	}

	/**
	 * HikariCP runs {@code connection-init-sql} once per connection it opens. Through a pooler in transaction mode a
	 * session setting in it ({@code SET search_path}, {@code SET ROLE}, {@code SET TIME ZONE}) reaches one server
	 * connection, in one transaction: this pool's later transactions run on other server connections without it,
	 * and the one it reached keeps it for whichever client (another instance, another application) is given that
	 * connection next. Refused, as the startup parameters that would do the same are; so is
	 * {@code set_config(name, value, false)}, the same as a function. {@code SET LOCAL},
	 * {@code SET TRANSACTION} and {@code SET CONSTRAINTS} last for a transaction, and are no use here either, but
	 * harmless.
	 * @param property the property that set it, for the message
	 */
	static void checkPoolerInitSql(@Nullable String initSql, String property) {
		if (initSql == null) {
			return;
		}
		String withoutComments = initSql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
		for (String statement : withoutComments.split(";")) {
			String[] words = statement.strip().split("\\s+", 3);
			String verb = words[0].toLowerCase(Locale.ROOT);
			boolean set = verb.equals("set") && words.length > 1
					&& !List.of("local", "transaction", "constraints").contains(words[1].toLowerCase(Locale.ROOT));
			String command = null;
			if (set || verb.equals("reset") || verb.equals("discard")) {
				command = verb.toUpperCase(Locale.ROOT) + ((words.length > 1) ? " " + words[1] : "");
			}
			else if (setsConfigForTheSession(statement)) {
				command = "set_config(…, false)";
			}
			if (command != null) {
				throw new InvalidConfigurationPropertyValueException(property, command + " …", "'" + command
						+ "' changes the session. Through Neon's pooler (PgBouncer in transaction mode) a session"
						+ " setting reaches one server connection, in one transaction; this pool's transactions run on"
						+ " others without it, and that connection keeps it for whichever client gets it next. Set it"
						+ " on the role instead (ALTER ROLE ... SET ...), per transaction with SET LOCAL, or only in"
						+ " neon.direct.hikari.connection-init-sql for the direct pool");
			}
		}
	}

	/**
	 * Whether a statement calls {@code set_config(name, value, is_local)} with {@code is_local} false: {@code SET}
	 * written as a function ({@code SELECT set_config('search_path', 'app', false)}). With {@code true} it lasts the
	 * transaction, as {@code SET LOCAL} does.
	 */
	private static boolean setsConfigForTheSession(String statement) {
		Matcher call = SET_CONFIG.matcher(statement);
		while (call.find()) {
			String isLocal = call.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("::\\s*bool(ean)?$", "")
				.replace("'", "")
				.strip();
			if (List.of("false", "f", "off", "no", "n", "0").contains(isLocal)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The pooler rejects startup parameters other than a handful; pgjdbc sends some driver properties as
	 * startup parameters.
	 * @param source what gave the parameters, for the message
	 */
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

	/**
	 * Credentials of a second endpoint (direct, replica): a connection string without a user takes the primary's
	 * (Neon's endpoints of one branch share its roles); then {@code neon.username}/{@code neon.password} override
	 * them as they do for the primary.
	 */
	static NeonConnectionString withDefaultCredentials(NeonConnectionString connection, NeonConnectionString primary,
			NeonProperties properties) {
		NeonConnectionString result = (connection.username() == null)
				? connection.withCredentials(primary.username(), primary.password()) : connection;
		return result.withCredentials(blankToNull(properties.getUsername()), blankToNull(properties.getPassword()));
	}

	/**
	 * The read replica from {@code neon.read-replica.url}, or {@code null}: a direct Neon host becomes its
	 * {@code -pooler} host, and credentials default as for any second endpoint.
	 */
	static @Nullable NeonConnectionString readReplica(NeonProperties properties, NeonConnectionString primary) {
		String url = properties.getReadReplica().getUrl();
		if (!StringUtils.hasText(url)) {
			return null;
		}
		NeonConnectionString replica = parse(url, NeonProperties.READ_REPLICA_URL);
		return withDefaultCredentials(replica, primary, properties).toPooled();
	}

	/**
	 * The replica from the connection details, with their TLS rule; else from {@code neon.read-replica.url}, to
	 * which {@code neon.ssl.*} applies. Connection details that describe a server of their own (an embedded
	 * database, a container, Docker Compose) and give no replica put the replica's pool on their pooled connection
	 * ({@code pooledTls}) when {@code neon.read-replica.url} is set: that URL names a real endpoint, which a test
	 * replacing the connections must never reach (the embedded database replaces every connection).
	 */
	private static NeonTlsPolicy.@Nullable Decision replicaTls(NeonConnectionDetails details, NeonProperties properties,
			NeonProperties.Ssl ssl, NeonTlsPolicy.Decision pooledTls) {
		NeonConnectionString fromDetails = details.getReadReplica();
		if (fromDetails != null) {
			return tls(fromDetails, ssl);
		}
		if (!details.isSslConfiguredByProperties()) {
			return StringUtils.hasText(properties.getReadReplica().getUrl()) ? pooledTls : null;
		}
		NeonConnectionString fromProperty = readReplica(properties, details.getPooled());
		return (fromProperty != null) ? tls(fromProperty, properties.getSsl()) : null;
	}

	static @Nullable String blankToNull(@Nullable String value) {
		return StringUtils.hasText(value) ? value : null;
	}

	private static NeonTlsPolicy.Decision tls(NeonConnectionString connection, NeonProperties.Ssl ssl) {
		return NeonTlsPolicy.apply(connection, ssl.getMode(), ssl.getRootCert());
	}

	/**
	 * Parses a connection string that configures the starter; when it is not one, the failure names where it came
	 * from (a property, a variable, a bean), never the value, which may hold a password.
	 */
	static NeonConnectionString parse(String value, String source) {
		try {
			return NeonConnectionString.parse(value);
		}
		catch (InvalidNeonConnectionStringException ex) {
			throw ex.withSource(source);
		}
	}

	/**
	 * Parses a URL the starter only looks at (another DataSource's, {@code spring.datasource.url}, one set by
	 * binding); {@code null} when it is not a connection string the starter understands.
	 */
	static @Nullable NeonConnectionString parseOrNull(@Nullable String url) {
		if (url == null) {
			return null;
		}
		try {
			return NeonConnectionString.parse(url);
		}
		catch (InvalidNeonConnectionStringException ex) {
			return null;
		}
	}

	/**
	 * Neon's pooler tracks protocol-level prepared statements (PgBouncer 1.22 with max_prepared_statements set);
	 * another pooler may not, and nothing a client can ask tells reliably (PgBouncer's settings are only on its
	 * admin console), so the starter warns instead of checking.
	 */
	private static void warnUnknownPooler(NeonConnectionString pooled) {
		logger.warn("The pooled endpoint " + pooled.address() + " is not a Neon host and differs"
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

	/** What verifies a connection's certificate: its root certificate, its own SSL factory or the JDK trust store. */
	private static String verifiedAgainst(NeonConnectionString connection) {
		String rootCert = connection.parameter("sslrootcert");
		String factory = connection.parameter("sslfactory");
		if (rootCert != null) {
			return "the root certificate " + rootCert;
		}
		return (factory != null && !factory.equals(NeonTlsPolicy.JDK_TRUST_STORE_FACTORY))
				? "the sslfactory " + factory : "the JDK trust store";
	}

	private static void logTlsUpgrade(NeonTlsPolicy.@Nullable Decision... decisions) {
		NeonTlsPolicy.Decision shown = Arrays.stream(decisions)
			.filter((decision) -> decision != null && decision.upgraded())
			.findFirst()
			.orElse(null);
		if (shown != null) {
			logger.info("Neon host: using sslmode=verify-full"
					+ ((shown.modeInUrl() != null) ? " instead of the URL's sslmode=" + shown.modeInUrl().value() : "")
					+ ", verified against " + verifiedAgainst(shown.connection())
					+ "; set neon.ssl.mode to choose another mode");
		}
	}

	private static boolean sameServer(NeonConnectionString a, NeonConnectionString b) {
		return a.host().equalsIgnoreCase(b.host()) && a.port() == b.port();
	}

}
