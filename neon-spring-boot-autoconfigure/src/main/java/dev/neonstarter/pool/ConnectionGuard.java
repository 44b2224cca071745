package dev.neonstarter.pool;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * Consulted by a Neon pool around each {@link java.sql.Connection} acquisition: may refuse before HikariCP is
 * asked (fail fast while the database is known to be down), and is told how each acquisition ended.
 */
public interface ConnectionGuard {

	/**
	 * Called before a connection is requested from the pool.
	 * @throws SQLException to refuse at once
	 */
	void beforeAcquire() throws SQLException;

	/** A connection was obtained. */
	void acquired(long nanos);

	/** Obtaining a connection failed, or a connection failed in use (then {@code nanos} is 0). */
	void failed(long nanos, SQLException failure);

	/**
	 * The caller gave up waiting for a connection (it was interrupted): nothing was learned about the database,
	 * so there is no outcome, only what {@link #beforeAcquire()} granted to give back (a guard that grants
	 * nothing does nothing).
	 */
	default void released() {
	}

	/** A short description of the guard's state for health details (e.g. a breaker's state), or {@code null}. */
	default @Nullable String state() {
		return null;
	}

}
