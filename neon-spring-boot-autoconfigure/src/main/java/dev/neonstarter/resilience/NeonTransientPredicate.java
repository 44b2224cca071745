package dev.neonstarter.resilience;

import java.util.function.Predicate;

/**
 * Resilience4j {@code retry-exception-predicate} of the {@code neon} retry: connection failures and
 * serialization failures/deadlocks are retried; everything else, including an open circuit breaker, is not.
 */
public class NeonTransientPredicate implements Predicate<Throwable> {

	private final NeonTransientErrors errors = new NeonTransientErrors();

	@Override
	public boolean test(Throwable failure) {
		return this.errors.isTransient(failure);
	}

}
