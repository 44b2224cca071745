package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.pool.NeonPoolSizeException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a pool larger than its endpoint accepts and how to size it.
 */
class NeonPoolSizeFailureAnalyzer extends AbstractFailureAnalyzer<NeonPoolSizeException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NeonPoolSizeException cause) {
		String description = "The " + cause.getPoolName() + " DataSource may open " + cause.getConfigured()
				+ " connections (" + cause.getProperty() + "), but " + cause.getLimit() + " is the most "
				+ cause.getLimitReason() + ". Under load it would fail with 'remaining connection slots are"
				+ " reserved' (53300) or 'no more connections allowed' instead of queueing.";
		String action = cause.getProperty().contains(".direct.")
				? "Lower " + cause.getProperty() + " (default 2). Direct connections are for migrations and session"
						+ " features; the application's traffic belongs on the pooled DataSource, which PgBouncer"
						+ " multiplexes. All instances together must stay below the compute's max_connections (104 at"
						+ " 0.25 CU, 419 at 1 CU, 4000 from 9 CU), or choose a larger compute."
				: "Lower " + cause.getProperty() + " (default 10): PgBouncer queues statements, so a modest pool per"
						+ " instance is enough.";
		return new FailureAnalysis(description, action, cause);
	}

}
