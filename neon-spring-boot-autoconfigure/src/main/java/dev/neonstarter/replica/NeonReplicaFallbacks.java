package dev.neonstarter.replica;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Read-only work that ran on the pooled primary because no replica connection could be had: how often, when
 * last and why. The {@code replica} health component and the {@code neon.replica.fallbacks} counter read it.
 */
public final class NeonReplicaFallbacks {

	private final boolean enabled;

	private final AtomicLong count = new AtomicLong();

	private final List<Consumer<SQLException>> listeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable Instant last;

	private volatile @Nullable String lastReason;

	public NeonReplicaFallbacks(boolean enabled) {
		this.enabled = enabled;
	}

	/** Whether read-only work falls back to the primary ({@code neon.read-replica.fallback}). */
	public boolean enabled() {
		return this.enabled;
	}

	/** How many connections were taken from the primary instead of the replica. */
	public long count() {
		return this.count.get();
	}

	/** When the last fallback happened, or {@code null}. */
	public @Nullable Instant last() {
		return this.last;
	}

	/** Why the replica could not serve the last time (a HikariCP, pgjdbc or circuit breaker message). */
	public @Nullable String lastReason() {
		return this.lastReason;
	}

	/** Called with the replica's failure on every fallback. */
	public void onFallback(Consumer<SQLException> listener) {
		this.listeners.add(listener);
	}

	/**
	 * The failure's message and, for HikariCP's "Connection is not available" timeout, its cause's (e.g.
	 * "Connection to host:5432 refused"). Driver and pool messages carry no credentials.
	 */
	static String reason(SQLException failure) {
		Throwable cause = failure.getCause();
		return (cause != null && cause.getMessage() != null && cause != failure)
				? failure.getMessage() + " (" + cause.getMessage() + ")" : failure.getMessage();
	}

	void record(SQLException replicaFailure) {
		this.count.incrementAndGet();
		this.last = Instant.now();
		this.lastReason = reason(replicaFailure);
		for (Consumer<SQLException> listener : this.listeners) {
			listener.accept(replicaFailure);
		}
	}

}
