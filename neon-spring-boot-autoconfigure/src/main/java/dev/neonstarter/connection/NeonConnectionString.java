package dev.neonstarter.connection;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * A parsed PostgreSQL connection string, as the Neon console shows it ({@code postgresql://} or
 * {@code postgres://} URI) or as a {@code jdbc:postgresql://} URL.
 * <p>
 * Immutable. Parameters are held under their pgjdbc names (libpq names are translated while parsing), so
 * {@link #toJdbcUrl()} plus {@link #toDriverProperties()} is everything pgjdbc needs. The JDBC URL never
 * carries credentials; {@link #toString()} masks the password.
 * <p>
 * Neon endpoints come in pairs: {@code ep-x-123.region.aws.neon.tech} (direct) and
 * {@code ep-x-123-pooler.region.aws.neon.tech} (PgBouncer). {@link #toDirect()} and {@link #toPooled()}
 * move between them by editing the first DNS label only, since Neon host shapes vary
 * ({@code ep-x.c-2.us-east-1.aws.neon.tech}).
 */
public final class NeonConnectionString {

	/** PostgreSQL's default port, used by Neon for both endpoints. */
	public static final int DEFAULT_PORT = 5432;

	private static final String POOLER_SUFFIX = "-pooler";

	private static final String NEON_DOMAIN = ".neon.tech";

	private final String host;

	private final int port;

	private final String database;

	private final String username;

	private final String password;

	private final Map<String, String> parameters;

	private NeonConnectionString(String host, int port, String database, String username, String password,
			Map<String, String> parameters) {
		this.host = host;
		this.port = port;
		this.database = database;
		this.username = username;
		this.password = password;
		this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
	}

	/**
	 * Parse a connection string.
	 * @param connectionString a {@code postgresql://}, {@code postgres://} or {@code jdbc:postgresql://} string
	 * @return the parsed value
	 * @throws InvalidNeonConnectionStringException when the string is malformed; its message never contains
	 * the password
	 */
	public static NeonConnectionString parse(String connectionString) {
		return ConnectionStringParser.parse(connectionString);
	}

	/**
	 * pgjdbc's spelling of a connection property whose name differs from one only in case (an environment
	 * variable lower-cases a map key), or {@code null} when pgjdbc has no such property.
	 */
	public static @Nullable String pgjdbcSpelling(String name) {
		return ConnectionStringParser.pgjdbcSpelling(name);
	}

	static NeonConnectionString of(String host, int port, String database, String username, String password,
			Map<String, String> parameters) {
		return new NeonConnectionString(host, port, database, username, password, parameters);
	}

	/** Host name or IP address; IPv6 addresses are given without brackets. */
	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	/** {@code host:port}, an IPv6 address in brackets ({@code [::1]:5432}): for URLs and messages. */
	public String address() {
		return (this.host.contains(":") ? "[" + this.host + "]" : this.host) + ":" + this.port;
	}

	/** The database name, or {@code null} when the string named none (PostgreSQL then uses the user name). */
	public String database() {
		return this.database;
	}

	/** The user name, or {@code null}. */
	public String username() {
		return this.username;
	}

	/** The password, or {@code null}. Never log it. */
	public String password() {
		return this.password;
	}

	/** Driver parameters under their pgjdbc names, in the order given. */
	public Map<String, String> parameters() {
		return this.parameters;
	}

	/** The value of one pgjdbc parameter, or {@code null}. */
	public String parameter(String pgjdbcName) {
		return this.parameters.get(pgjdbcName);
	}

	/** Whether the host is a Neon endpoint ({@code *.neon.tech}). */
	public boolean isNeonHost() {
		return this.host.toLowerCase(Locale.ROOT).endsWith(NEON_DOMAIN);
	}

	/** Whether the host is a Neon pooled ({@code -pooler}) endpoint. */
	public boolean isPooledEndpoint() {
		return isNeonHost() && firstLabel().toLowerCase(Locale.ROOT).endsWith(POOLER_SUFFIX);
	}

	/**
	 * The Neon endpoint id ({@code ep-cool-darkness-123456}), from the first host label without
	 * {@code -pooler}; {@code null} for non-Neon hosts.
	 */
	public @Nullable String endpointId() {
		if (!isNeonHost()) {
			return null;
		}
		String label = firstLabel();
		return isPooledEndpoint() ? label.substring(0, label.length() - POOLER_SUFFIX.length()) : label;
	}

	/** The same connection on Neon's direct endpoint; unchanged for non-Neon hosts and direct endpoints. */
	public NeonConnectionString toDirect() {
		if (!isPooledEndpoint()) {
			return this;
		}
		return withHost(endpointId() + this.host.substring(firstLabel().length()));
	}

	/** The same connection on Neon's pooled endpoint; unchanged for non-Neon hosts and pooled endpoints. */
	public NeonConnectionString toPooled() {
		if (!isNeonHost() || isPooledEndpoint()) {
			return this;
		}
		String label = firstLabel();
		return withHost(label + POOLER_SUFFIX + this.host.substring(label.length()));
	}

	/** A copy with another host, everything else kept. */
	public NeonConnectionString withHost(String newHost) {
		return new NeonConnectionString(newHost, this.port, this.database, this.username, this.password,
				this.parameters);
	}

	/**
	 * A copy with other credentials; a {@code null} argument keeps the current value.
	 */
	public NeonConnectionString withCredentials(String newUsername, String newPassword) {
		return new NeonConnectionString(this.host, this.port, this.database,
				(newUsername != null) ? newUsername : this.username,
				(newPassword != null) ? newPassword : this.password, this.parameters);
	}

	/** A copy with one pgjdbc parameter set ({@code null} removes it). */
	public NeonConnectionString withParameter(String pgjdbcName, String value) {
		Map<String, String> copy = new LinkedHashMap<>(this.parameters);
		if (value == null) {
			copy.remove(pgjdbcName);
		}
		else {
			copy.put(pgjdbcName, value);
		}
		return new NeonConnectionString(this.host, this.port, this.database, this.username, this.password, copy);
	}

	/**
	 * The JDBC URL {@code jdbc:postgresql://host:port/database}, without credentials or parameters: those go
	 * to the driver as properties ({@link #toDriverProperties()}), so the URL is safe to log.
	 */
	public String toJdbcUrl() {
		return "jdbc:postgresql://" + address() + "/"
				+ ((this.database != null) ? encodePathSegment(this.database) : "");
	}

	/** The pgjdbc parameters as driver properties (no user or password). */
	public Properties toDriverProperties() {
		Properties properties = new Properties();
		properties.putAll(this.parameters);
		return properties;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof NeonConnectionString that)) {
			return false;
		}
		return this.port == that.port && this.host.equals(that.host) && Objects.equals(this.database, that.database)
				&& Objects.equals(this.username, that.username) && Objects.equals(this.password, that.password)
				&& this.parameters.equals(that.parameters);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.host, this.port, this.database, this.username, this.parameters);
	}

	/** {@code postgresql://user:****@host:port/database?params}: the password is always masked. */
	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("postgresql://");
		if (this.username != null) {
			text.append(this.username);
			if (this.password != null) {
				text.append(":****");
			}
			text.append('@');
		}
		text.append(address());
		text.append('/').append((this.database != null) ? this.database : "");
		String separator = "?";
		for (Map.Entry<String, String> parameter : this.parameters.entrySet()) {
			boolean secret = parameter.getKey().toLowerCase(Locale.ROOT).contains("password");
			text.append(separator).append(parameter.getKey()).append('=').append(secret ? "****" : parameter.getValue());
			separator = "&";
		}
		return text.toString();
	}

	private String firstLabel() {
		int dot = this.host.indexOf('.');
		return (dot < 0) ? this.host : this.host.substring(0, dot);
	}

	// pgjdbc URL-decodes the database segment, so anything outside the unreserved set is escaped.
	private static String encodePathSegment(String value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xFF);
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
					|| c == '.' || c == '~') {
				out.write(c);
			}
			else {
				byte[] escape = String.format("%%%02X", b & 0xFF).getBytes(StandardCharsets.US_ASCII);
				out.write(escape, 0, escape.length);
			}
		}
		return out.toString(StandardCharsets.US_ASCII);
	}

}
