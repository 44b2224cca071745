package dev.neonstarter.connection;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * libpq/pgjdbc {@code sslmode} values, weakest first.
 */
public enum NeonSslMode {

	/** No TLS. */
	DISABLE,

	/** TLS only if the server insists; not verified. */
	ALLOW,

	/** TLS if the server offers it; not verified (pgjdbc's default). */
	PREFER,

	/** TLS required; the certificate is not verified. */
	REQUIRE,

	/** TLS required; the certificate chain is verified, the host name is not. */
	VERIFY_CA,

	/** TLS required; the certificate chain and the host name are verified. */
	VERIFY_FULL;

	/** The value pgjdbc and libpq use, e.g. {@code verify-full}. */
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/** Whether the driver refuses a connection without TLS. */
	public boolean requiresTls() {
		return compareTo(REQUIRE) >= 0;
	}

	/** Whether the driver verifies the server's certificate chain. */
	public boolean verifiesCertificate() {
		return compareTo(VERIFY_CA) >= 0;
	}

	/** Parses {@code verify-full}, {@code VERIFY_FULL} and the like; {@code null} gives {@code null}. */
	public static @Nullable NeonSslMode of(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return valueOf(value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Unknown sslmode '" + value
					+ "'; expected disable, allow, prefer, require, verify-ca or verify-full", ex);
		}
	}

}
