package dev.neonstarter.ssl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.neonstarter.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.connection.NeonSslMode;
import dev.neonstarter.connection.NeonTlsException;
import org.jspecify.annotations.Nullable;

/**
 * Decides the TLS parameters pgjdbc gets. Neon's certificates are publicly trusted, so Neon hosts default to
 * {@code verify-full} against the JDK trust store; pgjdbc's own default factory would verify nothing at
 * {@code require} and would look for {@code ~/.postgresql/root.crt} at {@code verify-full}. libpq's
 * {@code sslrootcert=system} means the JDK trust store at {@code verify-full}; pgjdbc's {@code NonValidatingFactory}
 * is dropped wherever the mode verifies the certificate, since it would verify nothing.
 */
public final class NeonTlsPolicy {

	/** pgjdbc's factory that verifies against the JDK trust store (host names are still checked). */
	public static final String JDK_TRUST_STORE_FACTORY = "org.postgresql.ssl.DefaultJavaSSLFactory";

	/** pgjdbc's factory that trusts every certificate. */
	static final String NON_VALIDATING_FACTORY = "org.postgresql.ssl.NonValidatingFactory";

	/** libpq's {@code sslrootcert} value for the system's trusted roots. */
	static final String SYSTEM_ROOTS = "system";

	private NeonTlsPolicy() {
	}

	/**
	 * Applies the TLS settings to a connection string.
	 * @param connection the connection string as configured
	 * @param configuredMode {@code neon.ssl.mode}, or {@code null} to let the URL (or, for Neon hosts,
	 * verify-full) decide
	 * @param rootCert {@code neon.ssl.root-cert}, or {@code null} for the URL's or the JDK trust store
	 * @return the connection string to use, and whether a Neon host's sslmode was upgraded
	 */
	public static Decision apply(NeonConnectionString connection, @Nullable NeonSslMode configuredMode,
			@Nullable Path rootCert) {
		NeonSslMode fromUrl = NeonSslMode.of(connection.parameter("sslmode"));
		// libpq's sslrootcert=system (psql 16 and later, as Neon's docs show it): the system's trusted roots, which
		// for Java are the JDK trust store, at verify-full. pgjdbc would look for a file named "system".
		boolean systemRoots = SYSTEM_ROOTS.equals(connection.parameter("sslrootcert"));
		if (systemRoots) {
			connection = connection.withParameter("sslrootcert", null);
		}
		NeonSslMode mode;
		if (configuredMode != null) {
			mode = configuredMode;
		}
		else if (connection.isNeonHost() || (systemRoots && fromUrl == null)) {
			mode = NeonSslMode.VERIFY_FULL;
		}
		else {
			mode = fromUrl;
		}
		if (mode == null) {
			// Never with sslrootcert=system, which gives verify-full when nothing else gives a mode.
			return new Decision(connection, null, null, false);
		}
		if (systemRoots && mode != NeonSslMode.VERIFY_FULL) {
			throw new InvalidNeonConnectionStringException("sslrootcert=system needs sslmode=verify-full, not sslmode="
					+ mode.value() + " (as in libpq); remove sslmode or the sslrootcert");
		}
		NeonConnectionString result = connection.withParameter("sslmode", mode.value());
		if (mode.verifiesCertificate() && NON_VALIDATING_FACTORY.equals(result.parameter("sslfactory"))) {
			// It trusts any certificate (a Heroku-era JDBC habit): with it, verify-ca and verify-full would only
			// look verified. The JDK trust store (or the root certificate) verifies instead.
			result = result.withParameter("sslfactory", null);
		}
		if (mode.verifiesCertificate()) {
			if (rootCert != null) {
				if (!Files.isReadable(rootCert)) {
					throw new NeonTlsException(null, connection.address(), mode,
							NeonTlsException.Failure.ROOT_CERT_UNREADABLE,
							"neon.ssl.root-cert " + rootCert + " does not exist or cannot be read");
				}
				result = result.withParameter("sslrootcert", rootCert.toString()).withParameter("sslfactory", null);
			}
			else if (result.parameter("sslrootcert") == null && result.parameter("sslfactory") == null) {
				result = result.withParameter("sslfactory", JDK_TRUST_STORE_FACTORY);
			}
		}
		boolean upgraded = configuredMode == null && connection.isNeonHost() && fromUrl != mode;
		return new Decision(result, fromUrl, mode, upgraded);
	}

	/**
	 * The TLS settings a pool ends up with once {@code neon.*.hikari.*} is bound ({@code jdbc-url},
	 * {@code data-source-properties}), read as pgjdbc reads them: the URL's parameters first, the driver
	 * properties for the rest. The rules of {@link #apply} hold for them too, so that what the startup check, the
	 * log, the health and {@code neon.tls.verified} report is what the driver does: a {@code NonValidatingFactory}
	 * in the driver properties is replaced by the decided factory (in a bound URL it is refused); for a Neon host,
	 * an sslmode below the decided one and an {@code sslhostnameverifier} at verify-full (it replaces the host name
	 * check) are refused, {@code neon.ssl.mode} being the way to ask for a weaker mode.
	 * @param decided what {@link #apply} decided for the connection string
	 * @param boundUrl the bound {@code jdbc-url}, parsed, when it replaced the starter's, else {@code null}
	 * @param driverProperties the pool's driver properties, changed where a factory is replaced
	 * @param source the pool's {@code neon.*.hikari} prefix, for messages
	 * @return the decision for what the pool now uses ({@code decided} when nothing changed)
	 */
	public static Decision bound(Decision decided, @Nullable NeonConnectionString boundUrl, Properties driverProperties,
			String source) {
		NeonConnectionString connection = (boundUrl != null) ? boundUrl : decided.connection();
		NeonSslMode mode = NeonSslMode.of(setting(boundUrl, driverProperties, "sslmode"));
		NeonSslMode required = decided.mode();
		if (connection.isNeonHost() && required != null && (mode == null || mode.compareTo(required) < 0)) {
			throw new InvalidNeonConnectionStringException("sslmode=" + ((mode != null) ? mode.value() : "prefer")
					+ " for the Neon host " + connection.host() + " is below the " + required.value()
					+ " the starter uses; set neon.ssl.mode=" + ((mode != null) ? mode.value() : "prefer")
					+ " to ask for it", source);
		}
		if (mode != null && mode.verifiesCertificate()
				&& NON_VALIDATING_FACTORY.equals(setting(boundUrl, driverProperties, "sslfactory"))) {
			if (boundUrl != null && NON_VALIDATING_FACTORY.equals(boundUrl.parameter("sslfactory"))) {
				throw new InvalidNeonConnectionStringException("sslfactory=" + NON_VALIDATING_FACTORY
						+ " trusts any certificate, so sslmode=" + mode.value() + " would verify nothing; remove it",
						source + ".jdbc-url");
			}
			String factory = decided.connection().parameter("sslfactory");
			if (factory != null && !NON_VALIDATING_FACTORY.equals(factory)) {
				driverProperties.setProperty("sslfactory", factory);
			}
			else {
				driverProperties.remove("sslfactory");
				if (setting(boundUrl, driverProperties, "sslrootcert") == null) {
					driverProperties.setProperty("sslfactory", JDK_TRUST_STORE_FACTORY);
				}
			}
		}
		if (connection.isNeonHost() && mode == NeonSslMode.VERIFY_FULL
				&& setting(boundUrl, driverProperties, "sslhostnameverifier") != null) {
			throw new InvalidNeonConnectionStringException("sslhostnameverifier replaces pgjdbc's check of the host name,"
					+ " so verify-full would not verify that " + connection.host() + " is the host its certificate"
					+ " names; remove it (neon.ssl.mode=verify-ca asks for the certificate chain alone)", source);
		}
		return (mode == decided.mode() && connection == decided.connection()) ? decided
				: new Decision(connection, decided.modeInUrl(), mode, decided.upgraded());
	}

	/** What pgjdbc uses: the URL's parameter, else the driver property. */
	private static @Nullable String setting(@Nullable NeonConnectionString url, Properties driverProperties,
			String name) {
		String fromUrl = (url != null) ? url.parameter(name) : null;
		return (fromUrl != null) ? fromUrl : driverProperties.getProperty(name);
	}

	/**
	 * The outcome of {@link #apply}.
	 * @param connection the connection string to use
	 * @param modeInUrl the sslmode the URL gave, or {@code null}
	 * @param mode the sslmode the connection string now has, or {@code null} (pgjdbc's default)
	 * @param upgraded whether a Neon host's sslmode was raised to verify-full
	 */
	public record Decision(NeonConnectionString connection, @Nullable NeonSslMode modeInUrl,
			@Nullable NeonSslMode mode, boolean upgraded) {
	}

}
