package dev.neonstarter.query;

import io.micrometer.observation.Observation;

/**
 * What an observation of one statement execution through a Neon pool knows: the pool and the statement text
 * as the application wrote it (placeholders, never bind values, but any literal written into it: the default
 * convention's {@code db.query.text} replaces those).
 */
public class NeonQueryObservationContext extends Observation.Context {

	private final String poolName;

	private final String sql;

	private boolean completed;

	/**
	 * @param poolName the pool the statement runs on ({@code neon-pooled}, {@code neon-direct},
	 * {@code neon-replica})
	 * @param sql the statement text; for {@code executeBatch} on a plain {@code Statement}, {@code "(batch)"}
	 */
	public NeonQueryObservationContext(String poolName, String sql) {
		this.poolName = poolName;
		this.sql = sql;
	}

	/** The pool the statement runs on. */
	public String getPoolName() {
		return this.poolName;
	}

	/** The statement text as written: placeholders, never bind values; literals as written. */
	public String getSql() {
		return this.sql;
	}

	/** Whether the statement has returned or thrown (then {@link #getError()} says what). */
	public boolean isCompleted() {
		return this.completed;
	}

	/** Marks the statement as returned or thrown. */
	public void setCompleted(boolean completed) {
		this.completed = completed;
	}

}
