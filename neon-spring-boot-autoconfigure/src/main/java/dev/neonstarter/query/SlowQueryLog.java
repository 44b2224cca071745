package dev.neonstarter.query;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs statements slower than {@code neon.slow-query-threshold} at WARN: the pool, the time and the statement
 * text as written with its literals replaced by {@code ?} ({@link SqlText}; bind values are never in it), cut at
 * 500 characters.
 */
final class SlowQueryLog implements QueryListener {

	private static final Log logger = LogFactory.getLog(SlowQueryLog.class);

	private static final int MAX_SQL_LENGTH = 500;

	private final long thresholdNanos;

	SlowQueryLog(Duration threshold) {
		this.thresholdNanos = threshold.toNanos();
	}

	@Override
	public void onQuery(String poolName, String sql, long nanos, boolean failed) {
		if (nanos >= this.thresholdNanos && logger.isWarnEnabled()) {
			String text = SqlText.forDisplay(sql, MAX_SQL_LENGTH);
			logger.warn("Slow query on " + poolName + ": " + (nanos / 1_000_000) + " ms (threshold "
					+ (this.thresholdNanos / 1_000_000) + " ms)" + (failed ? ", failed" : "") + ": " + text);
		}
	}

}
