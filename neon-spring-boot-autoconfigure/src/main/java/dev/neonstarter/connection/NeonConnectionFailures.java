package dev.neonstarter.connection;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import org.jspecify.annotations.Nullable;

/**
 * The one place that reads failures of a Neon database: every SQLState, exception type and message rule the
 * starter applies lives here. Each question walks the cause chain, so HikariCP's timeouts and Spring's
 * {@code DataAccessException}s are read by the failure they carry.
 * <ul>
 * <li>{@link #kind}: what a retry or a circuit breaker should make of a failure ({@code NeonTransientErrors}).</li>
 * <li>{@link #isEndpointDown}: whether a failed connection attempt says the endpoint is unreachable (the
 * endpoint monitor's trigger).</li>
 * <li>{@link #isConnectionFailure(String)}: whether a SQLState says the connection or the server is gone (the
 * pools' failure tracking).</li>
 * <li>{@link #isAuthenticationFailure} and {@link #tlsFailure}: refused credentials and which TLS check failed.</li>
 * <li>{@link #describe}: the cause in words, for people (the {@code neon} health's {@code error}).</li>
 * </ul>
 * Driver and pool messages carry no credentials, so nothing here can reveal one.
 */
public final class NeonConnectionFailures {

	/** How a failure should be treated by a retry or a circuit breaker. */
	public enum Kind {

		/**
		 * The database or the path to it is (briefly) unavailable: connection errors (08xxx), server shutdown or
		 * restart (57P01-57P03, e.g. a compute suspending), too many connections (53300), HikariCP's
		 * connection-acquisition timeout when it carries a connection failure, Neon's proxy "Couldn't connect to
		 * compute node" and PgBouncer's queue and client limits. Retry, and count towards opening the circuit
		 * breaker.
		 */
		CONNECTION,

		/**
		 * Serialization failure (40001) or deadlock (40P01). Retry the whole transaction; the database is healthy,
		 * so this never trips the breaker.
		 */
		TRANSACTION,

		/**
		 * Everything else (constraint violations, syntax errors, permissions...), a pool failing fast
		 * ({@link NeonUnavailableException}), and HikariCP's timeout of a pool whose connections were all busy.
		 * Never retried, never counted by the breaker.
		 */
		PERMANENT

	}

	/** Server shutdown, crash shutdown, "cannot connect now" (a compute suspending or starting). */
	private static final Set<String> SERVER_GONE_STATES = Set.of("57P01", "57P02", "57P03");

	/** Too many connections: the server is there but full. */
	private static final String TOO_MANY_CONNECTIONS = "53300";

	private static final Set<String> TRANSACTION_STATES = Set.of("40001", "40P01");

	/**
	 * PgBouncer's answer, for {@code server_login_retry} after a failed server login, to a client it has no server
	 * connection for (lower case).
	 */
	private static final String POOLER_LOGIN_RETRY = "server login has been failing";

	/** Lower-case message fragments of an endpoint that cannot be reached, whatever the SQLState. */
	private static final List<String> DOWN_MESSAGES = List.of(POOLER_LOGIN_RETRY,
			"couldn't connect to compute node", "pgbouncer cannot connect to server");

	/**
	 * Lower-case fragments of messages that say the endpoint answers but is saturated: PgBouncer's client limit
	 * and queue timeout, PostgreSQL's connection limit.
	 */
	private static final List<String> BUSY_MESSAGES = List.of("no more connections allowed", "query_wait_timeout",
			"too many clients", "too many connections", "remaining connection slots");

	/** Lower-case message fragments of transient failures that arrive without a telling SQLState. */
	private static final List<String> TRANSIENT_MESSAGES = List.of("couldn't connect to compute node",
			"query_wait_timeout", "no more connections allowed", POOLER_LOGIN_RETRY,
			"pgbouncer cannot connect to server", "terminating connection due to administrator command");

	/** Lower-case fragments of messages that report a timeout. */
	private static final List<String> TIMEOUT_MESSAGES = List.of("timed out", "timeout");

	private NeonConnectionFailures() {
	}

	/**
	 * Whether a SQLState says the connection or the server is gone: connection exceptions (08xxx), admin or
	 * crash shutdown and "cannot connect now" (57P01-57P03), too many connections (53300).
	 */
	public static boolean isConnectionFailure(@Nullable String sqlState) {
		return sqlState != null && (sqlState.startsWith("08") || SERVER_GONE_STATES.contains(sqlState)
				|| TOO_MANY_CONNECTIONS.equals(sqlState));
	}

	/** How a retry or a circuit breaker should treat a failure. */
	public static Kind kind(Throwable failure) {
		Kind kind = Kind.PERMANENT;
		for (Throwable t = failure; t != null; t = next(t)) {
			if (t instanceof NeonUnavailableException) {
				// Failing fast is the point: neither retry nor count it again.
				return Kind.PERMANENT;
			}
			if (t instanceof SQLTransientConnectionException) {
				// Retrying a busy pool would only make it busier.
				return isPoolBusy(t) ? Kind.PERMANENT : Kind.CONNECTION;
			}
			String state = (t instanceof SQLException sql) ? sql.getSQLState() : null;
			if (isConnectionFailure(state)) {
				return Kind.CONNECTION;
			}
			if (state != null && TRANSACTION_STATES.contains(state)) {
				kind = Kind.TRANSACTION;
			}
			else if (containsAny(message(t), TRANSIENT_MESSAGES)) {
				return Kind.CONNECTION;
			}
		}
		return kind;
	}

	/**
	 * Whether a failure is HikariCP's timeout of a pool whose connections were all busy (slow statements, a leak,
	 * too small a pool): it carries the pool's last connection failure when there is one, so one without a cause
	 * or SQLState says nothing of the database.
	 */
	public static boolean isPoolBusy(Throwable failure) {
		return failure instanceof SQLTransientConnectionException timeout && timeout.getCause() == null
				&& timeout.getSQLState() == null;
	}

	/**
	 * Whether a failed connection attempt says the endpoint is unreachable: refused or reset, a connect timeout,
	 * SQLState 08xxx or 57P01-57P03, the pooler's "server login has been failing", Neon's "Couldn't connect to
	 * compute node", or a TLS handshake cut off. Not: a refused login (28xxx), an unverifiable certificate or host
	 * name, a server without TLS (it answers: 08004 "does not support SSL"), an unknown host, an interrupted
	 * attempt, a saturated endpoint (too many connections, PgBouncer's client limit or queue timeout).
	 */
	public static boolean isEndpointDown(Throwable failure) {
		boolean down = false;
		for (Throwable t = failure; t != null; t = next(t)) {
			if (t instanceof InterruptedException || t instanceof GeneralSecurityException
					|| t instanceof SSLPeerUnverifiedException || t instanceof UnknownHostException) {
				return false;
			}
			String message = message(t);
			if (message.contains("interrupted") || message.contains("could not be verified")
					|| message.contains("certificate") || message.contains("does not support ssl")
					|| containsAny(message, BUSY_MESSAGES)) {
				return false;
			}
			if (t instanceof SQLException sql && isAuthenticationFailure(sql)) {
				return false;
			}
			String state = (t instanceof SQLException sql) ? sql.getSQLState() : null;
			down |= state != null && (state.startsWith("08") || SERVER_GONE_STATES.contains(state));
			down |= t instanceof ConnectException || t instanceof SocketTimeoutException
					|| t instanceof NoRouteToHostException || t instanceof SocketException
					|| t instanceof EOFException;
			down |= containsAny(message, DOWN_MESSAGES);
		}
		return down;
	}

	/**
	 * Whether a failure is PgBouncer's "server login has been failing, try again later (server_login_retry)": its
	 * last login to the server failed, and it tries the server again only when a client asks once
	 * {@code server_login_retry} has passed, refusing that client meanwhile and serving the next.
	 */
	public static boolean isPoolerLoginRetry(Throwable failure) {
		for (Throwable t = failure; t != null; t = next(t)) {
			if (message(t).contains(POOLER_LOGIN_RETRY)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a driver or pooler error means the credentials were refused: SQLState class 28 (28P01 wrong
	 * password, 28000 no such role or no pg_hba entry), or a pooler's or Neon proxy's message for it (PgBouncer
	 * answers a wrong SCRAM password with "SASL authentication failed" and SQLState 08P01).
	 */
	public static boolean isAuthenticationFailure(SQLException ex) {
		if (ex.getSQLState() != null && ex.getSQLState().startsWith("28")) {
			return true;
		}
		String message = message(ex);
		return message.contains("password authentication failed") || message.contains("sasl authentication failed")
				|| message.contains("endpoint id is not specified");
	}

	/** Which TLS check an exception from pgjdbc reports, or {@code null} if it is not about TLS. */
	public static NeonTlsException.@Nullable Failure tlsFailure(Throwable failure) {
		boolean handshake = false;
		for (Throwable t = failure; t != null; t = next(t)) {
			String message = message(t);
			if (message.contains("does not support ssl")) {
				return NeonTlsException.Failure.TLS_NOT_SUPPORTED;
			}
			if (message.contains("could not be verified by hostnameverifier") || message.contains("no subject alternative")
					|| message.contains("hostname") && message.contains("verif")) {
				return NeonTlsException.Failure.HOSTNAME_MISMATCH;
			}
			if (message.contains("ssl root certificate file")) {
				return NeonTlsException.Failure.ROOT_CERT_UNREADABLE;
			}
			if (t instanceof CertificateException || t instanceof CertPathValidatorException
					|| t instanceof CertPathBuilderException || message.contains("pkix")
					|| message.contains("certification path") || message.contains("certificate chain")) {
				return NeonTlsException.Failure.UNTRUSTED_CERTIFICATE;
			}
			handshake |= t instanceof SSLException;
		}
		return handshake ? NeonTlsException.Failure.HANDSHAKE_FAILED : null;
	}

	/**
	 * What went wrong, for people: {@code connection refused}, {@code timed out}, {@code authentication failed},
	 * {@code TLS failed (...)}, {@code unknown host}, followed by the driver's own message; when a pool fails fast,
	 * why its endpoint is down.
	 */
	public static String describe(Throwable failure) {
		Throwable timeout = null;
		for (Throwable t = failure; t != null; t = next(t)) {
			if (t instanceof NeonUnavailableException unavailable) {
				// Failing fast: the endpoint monitor knows why (its cause is only the released wait), or the
				// breaker is open.
				return (unavailable.getLastFailure() != null) ? unavailable.getLastFailure() : unavailable.getMessage();
			}
			if (t instanceof NeonAuthenticationException || t instanceof SQLException sql && isAuthenticationFailure(sql)) {
				// HikariCP's timeout takes the SQLState of the failure it carries: show the driver's message.
				return "authentication failed: " + innermostMessage(t);
			}
			if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
				return "connection refused: " + messageAbove(failure, t);
			}
			if (t instanceof UnknownHostException) {
				return "unknown host: " + messageAbove(failure, t);
			}
			if (timeout == null && (t instanceof SocketTimeoutException || containsAny(message(t), TIMEOUT_MESSAGES))) {
				timeout = t;
			}
		}
		NeonTlsException.Failure tls = tlsFailure(failure);
		if (tls != null) {
			return "TLS failed (" + tls.name().toLowerCase(Locale.ROOT).replace('_', ' ') + "): "
					+ innermostMessage(failure);
		}
		if (timeout != null) {
			return "timed out: " + innermostMessage(failure);
		}
		return String.valueOf(innermostMessage(failure));
	}

	private static @Nullable Throwable next(Throwable t) {
		return (t.getCause() != t) ? t.getCause() : null;
	}

	private static String message(Throwable t) {
		return (t.getMessage() != null) ? t.getMessage().toLowerCase(Locale.ROOT) : "";
	}

	private static boolean containsAny(String message, List<String> fragments) {
		for (String fragment : fragments) {
			if (message.contains(fragment)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The message of the driver's exception that wraps {@code cause} (pgjdbc's "Connection to host:port
	 * refused..."), or the cause's own.
	 */
	private static @Nullable String messageAbove(Throwable failure, Throwable cause) {
		String message = cause.getMessage();
		for (Throwable t = failure; t != null && t != cause; t = t.getCause()) {
			if (t.getCause() == cause && t.getMessage() != null) {
				message = t.getMessage();
			}
		}
		return message;
	}

	/** The deepest message in the chain: HikariCP's timeout carries the driver's failure as its cause. */
	private static @Nullable String innermostMessage(Throwable failure) {
		String message = failure.getMessage();
		for (Throwable t = failure.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
			if (t.getMessage() != null && !(t instanceof InterruptedException)) {
				message = t.getMessage();
			}
		}
		return message;
	}

}
