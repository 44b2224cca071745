package dev.neonstarter.query;

import java.time.Duration;

/**
 * Told about every statement executed through a Neon pool, once it has completed.
 */
@FunctionalInterface
public interface QueryListener {

	/**
	 * @param poolName the pool the statement ran on
	 * @param sql the statement text as the application wrote it: placeholders, never bind values, literals as
	 * written (show it through the slow-query log's rule, not as it is); for
	 * {@code executeBatch} on a plain {@code Statement}, {@code "(batch)"}
	 * @param nanos how long it took
	 * @param failed whether it threw
	 */
	void onQuery(String poolName, String sql, long nanos, boolean failed);

	/**
	 * A listener that logs statements slower than the threshold at WARN: the pool, the time and the statement
	 * text as written with its literals replaced by {@code ?} (bind values are never in it), cut at 500 characters
	 * ({@code neon.slow-query-threshold}).
	 */
	static QueryListener slowQueryLog(Duration threshold) {
		return new SlowQueryLog(threshold);
	}

}
