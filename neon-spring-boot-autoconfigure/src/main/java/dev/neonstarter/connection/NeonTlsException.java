package dev.neonstarter.connection;

/**
 * A DataSource's TLS could not be established or proven. Carries which check failed; never a password.
 */
public class NeonTlsException extends RuntimeException {

	/** What went wrong. */
	public enum Failure {

		/** The server does not offer TLS at all. */
		TLS_NOT_SUPPORTED,

		/** The certificate chain does not lead to a trusted root. */
		UNTRUSTED_CERTIFICATE,

		/** The certificate is valid but for another host name. */
		HOSTNAME_MISMATCH,

		/** The configured root certificate file cannot be read. */
		ROOT_CERT_UNREADABLE,

		/** The connection works, but the server reports it is not using TLS. */
		TLS_NOT_IN_USE,

		/** Another TLS handshake failure. */
		HANDSHAKE_FAILED

	}

	private final String poolName;

	private final String target;

	private final NeonSslMode mode;

	private final Failure failure;

	public NeonTlsException(String poolName, String target, NeonSslMode mode, Failure failure, String detail) {
		this(poolName, target, mode, failure, detail, null);
	}

	public NeonTlsException(String poolName, String target, NeonSslMode mode, Failure failure, String detail,
			Throwable cause) {
		super("TLS check failed" + ((poolName != null) ? " for " + poolName : "") + " (" + target + ", sslmode="
				+ ((mode != null) ? mode.value() : "default") + "): " + failure + ": " + detail, cause);
		this.poolName = poolName;
		this.target = target;
		this.mode = mode;
		this.failure = failure;
	}

	/** The pool whose check failed, or {@code null} when the failure is in the configuration. */
	public String getPoolName() {
		return this.poolName;
	}

	/** {@code host:port}. */
	public String getTarget() {
		return this.target;
	}

	public NeonSslMode getMode() {
		return this.mode;
	}

	public Failure getFailure() {
		return this.failure;
	}

}
