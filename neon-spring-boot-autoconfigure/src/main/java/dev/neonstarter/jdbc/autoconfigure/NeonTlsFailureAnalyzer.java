package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.connection.NeonTlsException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains which TLS check failed and which property fixes it.
 */
class NeonTlsFailureAnalyzer extends AbstractFailureAnalyzer<NeonTlsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NeonTlsException cause) {
		String who = (cause.getPoolName() != null) ? "The " + cause.getPoolName() + " DataSource" : "The Neon starter";
		String mode = (cause.getMode() != null) ? cause.getMode().value() : "default";
		String description = who + " could not establish the TLS connection its sslmode (" + mode + ") requires to "
				+ cause.getTarget() + ": " + what(cause.getFailure()) + ".";
		return new FailureAnalysis(description, action(cause.getFailure()), cause);
	}

	private static String what(NeonTlsException.Failure failure) {
		return switch (failure) {
			case TLS_NOT_SUPPORTED -> "the server does not offer TLS";
			case UNTRUSTED_CERTIFICATE -> "the server's certificate does not chain to a trusted root";
			case HOSTNAME_MISMATCH -> "the server's certificate is valid but issued for another host name";
			case ROOT_CERT_UNREADABLE -> "the root certificate file cannot be read";
			case TLS_NOT_IN_USE -> "the connection works but the server reports it is not encrypted";
			case HANDSHAKE_FAILED -> "the TLS handshake failed";
		};
	}

	private static String action(NeonTlsException.Failure failure) {
		return switch (failure) {
			case TLS_NOT_SUPPORTED -> "Neon always offers TLS, so check the host. For a local PostgreSQL without TLS,"
					+ " set neon.ssl.mode=disable (or sslmode=disable in the URL).";
			case UNTRUSTED_CERTIFICATE -> "For Neon hosts the JDK trust store must hold ISRG Root X1 (every current JDK"
					+ " does; check a custom javax.net.ssl.trustStore). For other servers, set neon.ssl.root-cert to the"
					+ " PEM file of the CA that signed the server certificate. neon.ssl.mode=require skips verification"
					+ " (not recommended).";
			case HOSTNAME_MISMATCH -> "Connect with a host name the certificate names (for Neon, the ep-... host from"
					+ " the console, not an IP address or a CNAME of your own), or set neon.ssl.mode=verify-ca to skip"
					+ " the host-name check.";
			case ROOT_CERT_UNREADABLE -> "Point neon.ssl.root-cert (or the URL's sslrootcert) at a readable PEM file,"
					+ " or unset it to verify against the JDK trust store.";
			case TLS_NOT_IN_USE -> "Something between the application and PostgreSQL terminates TLS. Connect to the"
					+ " server directly, or set neon.ssl.verify-on-startup=false if that is intended.";
			case HANDSHAKE_FAILED -> "The cause below has the details. Check the server's TLS configuration and the"
					+ " URL's sslnegotiation parameter (direct needs a server that supports it); neon.ssl.mode sets the"
					+ " mode for both DataSources (neon.ssl.mode=disable for a local PostgreSQL without TLS).";
		};
	}

}
