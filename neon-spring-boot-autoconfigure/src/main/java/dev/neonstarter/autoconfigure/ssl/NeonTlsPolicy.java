package dev.neonstarter.autoconfigure.ssl;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.neonstarter.autoconfigure.NeonProperties;
import dev.neonstarter.autoconfigure.connection.NeonConnectionString;

/**
 * Decides the TLS parameters pgjdbc gets. Neon's certificates are publicly trusted, so Neon hosts default to
 * {@code verify-full} against the JDK trust store; pgjdbc's own default factory would verify nothing at
 * {@code require} and would look for {@code ~/.postgresql/root.crt} at {@code verify-full}.
 */
public final class NeonTlsPolicy {

	/** pgjdbc's factory that verifies against the JDK trust store (host names are still checked). */
	public static final String JDK_TRUST_STORE_FACTORY = "org.postgresql.ssl.DefaultJavaSSLFactory";

	private NeonTlsPolicy() {
	}

	/**
	 * Applies the TLS settings to a connection string.
	 * @param connection the connection string as configured
	 * @param ssl the {@code neon.ssl.*} settings
	 * @return the connection string to use, and whether a Neon host's sslmode was upgraded
	 */
	public static Decision apply(NeonConnectionString connection, NeonProperties.Ssl ssl) {
		NeonSslMode fromUrl = NeonSslMode.of(connection.parameter("sslmode"));
		NeonSslMode mode;
		if (ssl.getMode() != null) {
			mode = ssl.getMode();
		}
		else if (connection.isNeonHost()) {
			mode = NeonSslMode.VERIFY_FULL;
		}
		else {
			mode = fromUrl;
		}
		if (mode == null) {
			return new Decision(connection, null, false);
		}
		NeonConnectionString result = connection.withParameter("sslmode", mode.value());
		if (mode.verifiesCertificate()) {
			Path rootCert = ssl.getRootCert();
			if (rootCert != null) {
				if (!Files.isReadable(rootCert)) {
					throw new NeonTlsException(null, connection.host() + ":" + connection.port(), mode,
							NeonTlsException.Failure.ROOT_CERT_UNREADABLE,
							"neon.ssl.root-cert " + rootCert + " does not exist or cannot be read");
				}
				result = result.withParameter("sslrootcert", rootCert.toString()).withParameter("sslfactory", null);
			}
			else if (result.parameter("sslrootcert") == null && result.parameter("sslfactory") == null) {
				result = result.withParameter("sslfactory", JDK_TRUST_STORE_FACTORY);
			}
		}
		boolean upgraded = ssl.getMode() == null && connection.isNeonHost() && fromUrl != mode;
		return new Decision(result, fromUrl, upgraded);
	}

	/**
	 * The outcome of {@link #apply}.
	 * @param connection the connection string to use
	 * @param modeInUrl the sslmode the URL gave, or {@code null}
	 * @param upgraded whether a Neon host's sslmode was raised to verify-full
	 */
	public record Decision(NeonConnectionString connection, NeonSslMode modeInUrl, boolean upgraded) {
	}

}
