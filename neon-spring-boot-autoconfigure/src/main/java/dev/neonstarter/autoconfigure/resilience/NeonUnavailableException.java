package dev.neonstarter.autoconfigure.resilience;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * The {@code neon} circuit breaker (or the read replica's {@code neon-replica}) is open: the database was
 * unavailable for most recent calls, so the pool refuses at once instead of making the caller wait the full
 * connection timeout. Map it to HTTP 503 with {@code Retry-After: }{@link #getRetryAfter()}.
 */
public class NeonUnavailableException extends SQLTransientConnectionException {

	private final Duration retryAfter;

	public NeonUnavailableException(String poolName, Duration retryAfter) {
		this(NeonResilienceAutoConfiguration.INSTANCE, poolName, retryAfter);
	}

	public NeonUnavailableException(String breakerName, String poolName, Duration retryAfter) {
		super("Neon database unavailable: the '" + breakerName + "' circuit breaker is open, so " + poolName
				+ " fails fast instead of waiting for a connection; retry after about " + retryAfter.toSeconds()
				+ " s", "08001");
		this.retryAfter = retryAfter;
	}

	/** How long until the breaker lets trial calls through. */
	public Duration getRetryAfter() {
		return this.retryAfter;
	}

}
