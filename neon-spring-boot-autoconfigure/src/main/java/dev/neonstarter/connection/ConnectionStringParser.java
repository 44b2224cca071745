package dev.neonstarter.connection;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGProperty;

/**
 * Parses libpq URIs and pgjdbc URLs into {@link NeonConnectionString}. Hand-written rather than
 * {@code java.net.URI}, whose error messages echo the whole input, password included.
 */
final class ConnectionStringParser {

	/** libpq parameter name to pgjdbc property name. */
	private static final Map<String, String> LIBPQ_TO_PGJDBC = Map.ofEntries(Map.entry("sslmode", "sslmode"),
			Map.entry("sslrootcert", "sslrootcert"), Map.entry("sslcert", "sslcert"), Map.entry("sslkey", "sslkey"),
			Map.entry("sslpassword", "sslpassword"), Map.entry("channel_binding", "channelBinding"),
			Map.entry("sslnegotiation", "sslNegotiation"), Map.entry("connect_timeout", "connectTimeout"),
			Map.entry("application_name", "ApplicationName"), Map.entry("options", "options"));

	/** Known libpq parameters the starter does not translate, and what to do instead. */
	private static final Map<String, String> LIBPQ_WITHOUT_TRANSLATION = Map.ofEntries(
			Map.entry("target_session_attrs", "pgjdbc's equivalent is targetServerType, e.g. targetServerType=primary"),
			Map.entry("keepalives", "pgjdbc's equivalent is tcpKeepAlive=true"),
			Map.entry("keepalives_idle", "pgjdbc has no equivalent; tcpKeepAlive=true uses the OS settings"),
			Map.entry("keepalives_interval", "pgjdbc has no equivalent; tcpKeepAlive=true uses the OS settings"),
			Map.entry("keepalives_count", "pgjdbc has no equivalent; tcpKeepAlive=true uses the OS settings"),
			Map.entry("gssencmode", "pgjdbc's equivalent is gssEncMode"),
			Map.entry("krbsrvname", "pgjdbc's equivalent is kerberosServerName"),
			Map.entry("load_balance_hosts", "pgjdbc's equivalent is loadBalanceHosts=true"),
			Map.entry("fallback_application_name", "use application_name"),
			Map.entry("sslsni", "pgjdbc always sends SNI (which Neon routes by); remove it"),
			Map.entry("sslcompression", "TLS compression is obsolete; remove it"),
			Map.entry("sslcrl", "pgjdbc has no equivalent; remove it"),
			Map.entry("passfile", "pgjdbc reads ~/.pgpass when no password is given; name another file with the"
					+ " PGPASSFILE environment variable or the org.postgresql.pgpassfile system property"),
			Map.entry("service", "pgjdbc reads no service file; give host, port and database in the URL"),
			Map.entry("hostaddr", "pgjdbc has no equivalent; put the address in the host part"),
			Map.entry("tcp_user_timeout", "pgjdbc has no equivalent; socketTimeout limits reads instead"));

	private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca",
			"verify-full");

	private static final Set<String> CHANNEL_BINDING_MODES = Set.of("disable", "prefer", "require");

	private static final Set<String> SSL_NEGOTIATION_MODES = Set.of("postgres", "direct");

	private ConnectionStringParser() {
	}

	static NeonConnectionString parse(String input) {
		if (input == null || input.isBlank()) {
			throw new InvalidNeonConnectionStringException("it is empty");
		}
		String text = input.strip();
		if (text.startsWith("\"") || text.startsWith("'")) {
			// Spring Boot reads quotes in a .properties (or imported .env) file as part of the value, as Docker's
			// --env-file and a Secret do; without this, the scheme would read '(none)', which says nothing.
			throw new InvalidNeonConnectionStringException("it is enclosed in quotes, which are kept as part of the"
					+ " value where it was set (a .properties or .env file, Docker's --env-file, a Kubernetes Secret);"
					+ " remove them");
		}
		boolean jdbc;
		String rest;
		if (text.regionMatches(true, 0, "jdbc:postgresql://", 0, 18)) {
			jdbc = true;
			rest = text.substring(18);
		}
		else if (text.regionMatches(true, 0, "postgresql://", 0, 13)) {
			jdbc = false;
			rest = text.substring(13);
		}
		else if (text.regionMatches(true, 0, "postgres://", 0, 11)) {
			jdbc = false;
			rest = text.substring(11);
		}
		else {
			throw new InvalidNeonConnectionStringException("unsupported scheme '" + scheme(text)
					+ "'; expected postgresql://, postgres:// or jdbc:postgresql://");
		}
		if (rest.indexOf('#') >= 0) {
			throw new InvalidNeonConnectionStringException(
					"it contains '#'; percent-encode it as %23 (in a password, for example)");
		}
		// The user info ends at the last '@' before the first '/', as in libpq a '?' does not end it: a raw '@' or
		// '?' in a password still parses (and is never taken for the query, whose errors would show it). An '@'
		// in the query's first value (after "?name=") is not one.
		int firstSlash = rest.indexOf('/');
		String authorityRegion = (firstSlash >= 0) ? rest.substring(0, firstSlash) : rest;
		int at = authorityRegion.lastIndexOf('@');
		int question = authorityRegion.indexOf('?');
		if (at >= 0 && question >= 0 && question < at && authorityRegion.substring(question, at).indexOf('=') >= 0) {
			at = authorityRegion.substring(0, question).lastIndexOf('@');
		}
		String userInfo = (at >= 0) ? rest.substring(0, at) : null;
		String afterUserInfo = rest.substring(at + 1);
		int queryStart = afterUserInfo.indexOf('?');
		String query = (queryStart >= 0) ? afterUserInfo.substring(queryStart + 1) : "";
		afterUserInfo = (queryStart >= 0) ? afterUserInfo.substring(0, queryStart) : afterUserInfo;
		int pathStart = afterUserInfo.indexOf('/');
		String hostPort = (pathStart >= 0) ? afterUserInfo.substring(0, pathStart) : afterUserInfo;
		String path = (pathStart >= 0) ? afterUserInfo.substring(pathStart + 1) : "";

		String username = null;
		String password = null;
		if (userInfo != null) {
			if (jdbc) {
				throw new InvalidNeonConnectionStringException(
						"jdbc:postgresql:// URLs cannot carry user:password@; use the user and password parameters"
								+ " or neon.username / neon.password");
			}
			int colon = userInfo.indexOf(':');
			username = decode((colon >= 0) ? userInfo.substring(0, colon) : userInfo, "user name", false);
			password = (colon >= 0) ? decode(userInfo.substring(colon + 1), "password", false) : null;
			if (username.isEmpty()) {
				username = null;
			}
		}

		String[] hostAndPort = parseHostPort(hostPort);
		String host = hostAndPort[0];
		int port = (hostAndPort[1] != null) ? parsePort(hostAndPort[1]) : NeonConnectionString.DEFAULT_PORT;

		if (path.contains("/")) {
			throw new InvalidNeonConnectionStringException("the database name must not contain '/'");
		}
		if (path.contains("@")) {
			// Most likely a password with an unencoded '/', whose rest would be logged as the database name.
			throw new InvalidNeonConnectionStringException("the database name contains '@' (if the password contains"
					+ " '/' or '@', percent-encode them as %2F and %40; a database name with '@' needs %40)");
		}
		// pgjdbc decodes its URL's database name and values with URLDecoder, '+' becoming a space; libpq keeps '+'.
		String database = path.isEmpty() ? null : decode(path, "database name", jdbc);

		Map<String, String> parameters = new LinkedHashMap<>();
		if (!query.isEmpty()) {
			boolean afterSecret = false;
			for (String pair : query.split("&")) {
				if (pair.isEmpty()) {
					continue;
				}
				int equals = pair.indexOf('=');
				String rawName = (equals >= 0) ? pair.substring(0, equals) : pair;
				String name = decode(rawName, "parameter name", false);
				boolean secret = name.toLowerCase(Locale.ROOT).contains("password");
				String value = (equals >= 0) ? decode(pair.substring(equals + 1), secret ? "password" : name, jdbc) : "";
				boolean follows = afterSecret;
				afterSecret = secret;
				if (name.equals("user")) {
					username = value.isEmpty() ? username : value;
				}
				else if (name.equals("password")) {
					password = value;
				}
				else if (!jdbc && name.equals("dbname")) {
					database = value.isEmpty() ? database : value;
				}
				else {
					String pgjdbcName = jdbc ? name : LIBPQ_TO_PGJDBC.getOrDefault(name, name);
					checkKnown(name, pgjdbcName, jdbc, follows);
					checkValue(pgjdbcName, name, value);
					parameters.put(pgjdbcName, value);
				}
			}
		}
		return NeonConnectionString.of(host, port, database, username, password, parameters);
	}

	private static String[] parseHostPort(String hostPort) {
		if (hostPort.isEmpty()) {
			throw new InvalidNeonConnectionStringException("no host is given");
		}
		if (hostPort.indexOf(',') >= 0) {
			throw new InvalidNeonConnectionStringException(
					"it lists several hosts; give one endpoint (use neon.direct-url for the direct endpoint)");
		}
		if (hostPort.startsWith("[")) {
			int close = hostPort.indexOf(']');
			if (close < 0) {
				throw new InvalidNeonConnectionStringException("an IPv6 host is missing its closing ']'");
			}
			String host = hostPort.substring(1, close);
			if (host.isEmpty()) {
				throw new InvalidNeonConnectionStringException("no host is given");
			}
			String after = hostPort.substring(close + 1);
			if (after.isEmpty()) {
				return new String[] { host, null };
			}
			if (!after.startsWith(":")) {
				throw new InvalidNeonConnectionStringException("unexpected text after the IPv6 host");
			}
			return new String[] { host, after.substring(1) };
		}
		int colon = hostPort.indexOf(':');
		if (colon >= 0 && hostPort.indexOf(':', colon + 1) >= 0) {
			throw new InvalidNeonConnectionStringException("an IPv6 host must be written in brackets, e.g. [::1]");
		}
		String host = (colon >= 0) ? hostPort.substring(0, colon) : hostPort;
		if (host.isEmpty()) {
			throw new InvalidNeonConnectionStringException("no host is given");
		}
		for (int i = 0; i < host.length(); i++) {
			char c = host.charAt(i);
			if (!(Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_')) {
				throw new InvalidNeonConnectionStringException("the host contains '" + c
						+ "', which is not allowed in a host name (is a password not percent-encoded?)");
			}
		}
		return new String[] { host, (colon >= 0) ? hostPort.substring(colon + 1) : null };
	}

	private static int parsePort(String text) {
		if (text.isEmpty()) {
			throw new InvalidNeonConnectionStringException("the port is empty");
		}
		if (text.length() <= 5 && text.chars().allMatch(Character::isDigit)) {
			int port = Integer.parseInt(text);
			if (port >= 1 && port <= 65535) {
				return port;
			}
		}
		// Text after ':' may be part of a password with an unencoded '/' (digits too): never echo it.
		throw new InvalidNeonConnectionStringException("the port is not a number between 1 and 65535 (if the password"
				+ " contains '/', '@' or ':', percent-encode them)");
	}

	/**
	 * Fails on a parameter pgjdbc does not know, naming it, unless it follows the password: then it is most likely
	 * the rest of a password with an unencoded '&', never echoed.
	 */
	private static void checkKnown(String givenName, String pgjdbcName, boolean jdbc, boolean followsPassword) {
		if (PGProperty.forName(pgjdbcName) == null) {
			if (followsPassword) {
				throw new InvalidNeonConnectionStringException("an unknown parameter follows the password"
						+ " (if the password contains '&', percent-encode it as %26)");
			}
			String suggestion = suggestion(givenName);
			throw new UnknownConnectionParameterException("unknown parameter '" + givenName + "'"
					+ ((suggestion != null) ? " (" + suggestion + ")" : "") + "; supported are "
					+ (jdbc ? "" : "the libpq parameters " + String.join(", ", LIBPQ_TO_PGJDBC.keySet()) + " and ")
					+ "pgjdbc connection properties (e.g. prepareThreshold, socketTimeout)", null, givenName,
					suggestion);
		}
	}

	/** What to write instead of an unknown parameter, when there is something to say. */
	static @Nullable String suggestion(String givenName) {
		String libpq = LIBPQ_WITHOUT_TRANSLATION.get(givenName);
		if (libpq != null) {
			return libpq;
		}
		// pgjdbc's names have no underscores: connect_timeout is connectTimeout once they are left out.
		String spelling = pgjdbcSpelling(givenName);
		if (spelling == null) {
			spelling = pgjdbcSpelling(givenName.replace("_", ""));
		}
		return (spelling != null) ? "pgjdbc spells it '" + spelling + "'" : null;
	}

	/** pgjdbc's property whose name equals this one but for case, or {@code null}. */
	static @Nullable String pgjdbcSpelling(String name) {
		for (PGProperty property : PGProperty.values()) {
			if (property.getName().equalsIgnoreCase(name)) {
				return property.getName();
			}
		}
		return null;
	}

	private static void checkValue(String pgjdbcName, String givenName, String value) {
		switch (pgjdbcName) {
			case "sslmode" -> checkOneOf(givenName, value, SSL_MODES);
			case "channelBinding" -> checkOneOf(givenName, value, CHANNEL_BINDING_MODES);
			case "sslNegotiation" -> checkOneOf(givenName, value, SSL_NEGOTIATION_MODES);
			case "connectTimeout" -> {
				if (value.isEmpty() || value.length() > 6 || !value.chars().allMatch(Character::isDigit)) {
					throw new InvalidNeonConnectionStringException(
							"parameter '" + givenName + "' must be a whole number of seconds, not '" + value + "'");
				}
			}
			default -> {
			}
		}
	}

	private static void checkOneOf(String name, String value, Set<String> allowed) {
		if (!allowed.contains(value)) {
			throw new InvalidNeonConnectionStringException("parameter '" + name + "' must be one of "
					+ String.join(", ", allowed.stream().sorted().toList()) + ", not '" + value + "'");
		}
	}

	private static String scheme(String text) {
		int colon = text.indexOf(':');
		String scheme = (colon >= 0) ? text.substring(0, colon) : "";
		if (scheme.equalsIgnoreCase("jdbc")) {
			int second = text.indexOf(':', colon + 1);
			scheme = (second >= 0) ? text.substring(0, second) : text.substring(0, Math.min(text.length(), 20));
		}
		// Without a scheme the input may be anything, a bare password included: show nothing of it.
		if (scheme.isEmpty() || scheme.length() > 20 || !scheme.chars().allMatch((c) -> Character.isLetterOrDigit(c)
				|| c == ':' || c == '+' || c == '.' || c == '-')) {
			return "(none)";
		}
		return scheme;
	}

	/**
	 * Strict percent-decoding; bad escapes are errors. '+' stays '+', as in libpq, unless {@code plusIsSpace}
	 * (pgjdbc's URLs, which it decodes with {@code URLDecoder}).
	 */
	private static String decode(String text, String what, boolean plusIsSpace) {
		if (plusIsSpace && text.indexOf('+') >= 0) {
			text = text.replace('+', ' ');
		}
		if (text.indexOf('%') < 0) {
			return text;
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '%') {
				if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
						|| Character.digit(text.charAt(i + 2), 16) < 0) {
					throw new InvalidNeonConnectionStringException(
							"the " + what + " contains a '%' that is not followed by two hex digits");
				}
				out.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
				i += 2;
			}
			else {
				int codePoint = text.codePointAt(i);
				byte[] bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
				out.write(bytes, 0, bytes.length);
				i += Character.charCount(codePoint) - 1;
			}
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(out.toByteArray()))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new InvalidNeonConnectionStringException("the " + what + " is not valid percent-encoded UTF-8");
		}
	}

}
