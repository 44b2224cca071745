package dev.neonstarter.resilience;

import dev.neonstarter.connection.NeonConnectionFailures;
import dev.neonstarter.connection.NeonConnectionFailures.Kind;

/**
 * Which failures of a Neon database are transient, for a retry, a circuit breaker or the application's own
 * error handling: a bean-friendly view of {@link NeonConnectionFailures#kind}, which holds the rules (SQLState,
 * exception type, and message for errors without a useful SQLState). Walks the cause chain, so Spring's
 * {@code DataAccessException}s work too.
 */
public class NeonTransientErrors {

	/** How to treat a failure. */
	public Kind classify(Throwable failure) {
		return NeonConnectionFailures.kind(failure);
	}

	/** Whether retrying the operation may succeed. */
	public boolean isTransient(Throwable failure) {
		return classify(failure) != Kind.PERMANENT;
	}

	/** Whether the failure says the database is unavailable (what a circuit breaker should count). */
	public boolean isUnavailable(Throwable failure) {
		return classify(failure) == Kind.CONNECTION;
	}

}
