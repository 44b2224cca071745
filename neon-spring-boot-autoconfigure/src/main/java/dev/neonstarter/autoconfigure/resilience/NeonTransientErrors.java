package dev.neonstarter.autoconfigure.resilience;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.Set;

import dev.neonstarter.autoconfigure.jdbc.NeonHikariDataSource;

/**
 * Decides from SQLState, exception type and (for errors without a useful SQLState) message which failures
 * of a Neon database are transient. Walks the cause chain, so Spring's {@code DataAccessException}s work too.
 * <ul>
 * <li>{@link Kind#CONNECTION}: the database or the path to it is (briefly) unavailable: connection errors
 * (08xxx), server shutdown or restart (57P01-57P03, e.g. a compute suspending), too many connections
 * (53300), HikariCP's connection-acquisition timeout, Neon's proxy "Couldn't connect to compute node" and
 * PgBouncer's queue and client limits. Retry, and count towards opening the circuit breaker.</li>
 * <li>{@link Kind#TRANSACTION}: serialization failure (40001) or deadlock (40P01). Retry the whole
 * transaction; the database is healthy, so this never trips the breaker.</li>
 * <li>{@link Kind#PERMANENT}: everything else (constraint violations, syntax errors, permissions...). Never
 * retried, never counted by the breaker.</li>
 * </ul>
 */
public class NeonTransientErrors {

	/** How a failure should be treated. */
	public enum Kind {

		/** The database is unavailable for now. */
		CONNECTION,

		/** The transaction lost a race; run it again. */
		TRANSACTION,

		/** Retrying will not help. */
		PERMANENT

	}

	private static final Set<String> TRANSACTION_STATES = Set.of("40001", "40P01");

	/** Lower-case message fragments of transient failures that arrive without a telling SQLState. */
	private static final Set<String> CONNECTION_MESSAGES = Set.of("couldn't connect to compute node",
			"query_wait_timeout", "no more connections allowed", "server login has been failing",
			"pgbouncer cannot connect to server", "terminating connection due to administrator command",
			"connection is not available, request timed out");

	/** How to treat a failure. */
	public Kind classify(Throwable failure) {
		Kind kind = Kind.PERMANENT;
		for (Throwable t = failure; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (t instanceof NeonUnavailableException) {
				// The breaker is open: failing fast is the point, so neither retry nor count it again.
				return Kind.PERMANENT;
			}
			Kind found = classifyOne(t);
			if (found == Kind.CONNECTION) {
				return found;
			}
			if (found == Kind.TRANSACTION) {
				kind = found;
			}
		}
		return kind;
	}

	/** Whether retrying the operation may succeed. */
	public boolean isTransient(Throwable failure) {
		return classify(failure) != Kind.PERMANENT;
	}

	/** Whether the failure says the database is unavailable (what a circuit breaker should count). */
	public boolean isUnavailable(Throwable failure) {
		return classify(failure) == Kind.CONNECTION;
	}

	private static Kind classifyOne(Throwable t) {
		if (t instanceof SQLTransientConnectionException) {
			return Kind.CONNECTION;
		}
		if (t instanceof SQLException sql && sql.getSQLState() != null) {
			String state = sql.getSQLState();
			if (NeonHikariDataSource.isConnectionFailure(state)) {
				return Kind.CONNECTION;
			}
			if (TRANSACTION_STATES.contains(state)) {
				return Kind.TRANSACTION;
			}
		}
		String message = (t.getMessage() != null) ? t.getMessage().toLowerCase(Locale.ROOT) : "";
		for (String fragment : CONNECTION_MESSAGES) {
			if (message.contains(fragment)) {
				return Kind.CONNECTION;
			}
		}
		return null;
	}

}
