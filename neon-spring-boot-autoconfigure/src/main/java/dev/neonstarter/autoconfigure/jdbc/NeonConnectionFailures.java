package dev.neonstarter.autoconfigure.jdbc;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Locale;

import dev.neonstarter.autoconfigure.resilience.NeonUnavailableException;
import dev.neonstarter.autoconfigure.ssl.NeonTlsException;
import dev.neonstarter.autoconfigure.ssl.NeonTlsVerifier;

/**
 * Names the cause of a failure to get or use a connection for people (the {@code neon} health's {@code error}):
 * {@code connection refused}, {@code timed out}, {@code authentication failed}, {@code TLS failed},
 * {@code unknown host}, followed by the driver's own message; when a pool fails fast, why its endpoint is down.
 * Walks the cause chain, so HikariCP's "request timed out" shows the connection failure it carries. Driver and
 * pool messages carry no credentials.
 */
public final class NeonConnectionFailures {

	private NeonConnectionFailures() {
	}

	/** What went wrong, e.g. {@code connection refused: Connection to localhost:5432 refused. ...}. */
	public static String describe(Throwable failure) {
		Throwable timeout = null;
		for (Throwable t = failure; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (t instanceof NeonUnavailableException unavailable) {
				// Failing fast: the endpoint monitor knows why (its cause is only the released wait), or the
				// breaker is open.
				return (unavailable.getLastFailure() != null) ? unavailable.getLastFailure() : unavailable.getMessage();
			}
			if (t instanceof NeonAuthenticationException
					|| t instanceof SQLException sql && NeonAuthenticationException.isAuthenticationFailure(sql)) {
				// HikariCP's timeout takes the SQLState of the failure it carries: show the driver's message.
				return "authentication failed: " + innermostMessage(t);
			}
			if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
				return "connection refused: " + messageAbove(failure, t);
			}
			if (t instanceof UnknownHostException) {
				return "unknown host: " + messageAbove(failure, t);
			}
			if (timeout == null && (t instanceof SocketTimeoutException || isTimeoutMessage(t))) {
				timeout = t;
			}
		}
		NeonTlsException.Failure tls = NeonTlsVerifier.classify(failure);
		if (tls != null) {
			return "TLS failed (" + tls.name().toLowerCase(Locale.ROOT).replace('_', ' ') + "): "
					+ innermostMessage(failure);
		}
		if (timeout != null) {
			return "timed out: " + innermostMessage(failure);
		}
		return String.valueOf(innermostMessage(failure));
	}

	private static boolean isTimeoutMessage(Throwable t) {
		String message = (t.getMessage() != null) ? t.getMessage().toLowerCase(Locale.ROOT) : "";
		return message.contains("timed out") || message.contains("timeout");
	}

	/**
	 * The message of the driver's exception that wraps {@code cause} (pgjdbc's "Connection to host:port
	 * refused..."), or the cause's own.
	 */
	private static String messageAbove(Throwable failure, Throwable cause) {
		String message = cause.getMessage();
		for (Throwable t = failure; t != null && t != cause; t = t.getCause()) {
			if (t.getCause() == cause && t.getMessage() != null) {
				message = t.getMessage();
			}
		}
		return message;
	}

	/** The deepest message in the chain: HikariCP's timeout carries the driver's failure as its cause. */
	private static String innermostMessage(Throwable failure) {
		String message = failure.getMessage();
		for (Throwable t = failure.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
			if (t.getMessage() != null && !(t instanceof InterruptedException)) {
				message = t.getMessage();
			}
		}
		return message;
	}

}
