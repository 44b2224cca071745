package dev.neonstarter.resilience;

import java.util.function.Predicate;

/**
 * Resilience4j {@code record-failure-predicate} of the {@code neon} circuit breaker: only failures that say
 * the database is unavailable count, never a constraint violation, a syntax error or a serialization
 * failure.
 */
public class NeonUnavailablePredicate implements Predicate<Throwable> {

	private final NeonTransientErrors errors = new NeonTransientErrors();

	@Override
	public boolean test(Throwable failure) {
		return this.errors.isUnavailable(failure);
	}

}
