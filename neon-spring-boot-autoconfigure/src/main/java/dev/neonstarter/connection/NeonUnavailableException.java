package dev.neonstarter.connection;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The pool's endpoint is down (its last connection attempt failed at the connection level, see
 * {@code NeonEndpointMonitor}), or the {@code neon} circuit breaker (or the read replica's
 * {@code neon-replica}) is open: the database was unavailable for most recent calls. The pool refuses at once
 * instead of making the caller wait the full connection timeout. Map it to HTTP 503 with
 * {@code Retry-After: }{@link #getRetryAfter()}.
 */
public class NeonUnavailableException extends SQLTransientConnectionException {

	private final Duration retryAfter;

	private final boolean endpointDown;

	private final @Nullable String lastFailure;

	public NeonUnavailableException(String breakerName, String poolName, Duration retryAfter) {
		this(retryAfter, "Neon database unavailable: the '" + breakerName + "' circuit breaker is open, so " + poolName
				+ " fails fast instead of waiting for a connection; retry after about " + retryAfter.toSeconds()
				+ " s", false, null);
	}

	private NeonUnavailableException(Duration retryAfter, String message, boolean endpointDown,
			@Nullable String lastFailure) {
		super(message, "08001");
		this.retryAfter = retryAfter;
		this.endpointDown = endpointDown;
		this.lastFailure = lastFailure;
	}

	/**
	 * The pool's endpoint monitor saw its last connection attempt fail at the connection level: the pool
	 * refuses until a probe connects again.
	 * @param reason the failed attempt's message (driver and pooler messages carry no credentials), or
	 * {@code null}
	 */
	public static NeonUnavailableException endpointDown(String poolName, Duration retryAfter, String reason) {
		return new NeonUnavailableException(retryAfter, "Neon database unavailable: the endpoint of " + poolName
				+ " is down, so it fails fast instead of waiting for a connection; retry after about "
				+ retryAfter.toSeconds() + " s" + ((reason != null) ? " (last connection attempt: " + reason + ")" : ""), true,
				reason);
	}

	/** Whether the pool's endpoint monitor refused (rather than an open circuit breaker). */
	public boolean isEndpointDown() {
		return this.endpointDown;
	}

	/**
	 * Why the endpoint is down, e.g. {@code connection refused: ...}, when the endpoint monitor refused; else
	 * {@code null}.
	 */
	public @Nullable String getLastFailure() {
		return this.lastFailure;
	}

	/** How long until the pool may serve again (the next probe, or the breaker's trial calls). */
	public Duration getRetryAfter() {
		return this.retryAfter;
	}

}
