package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.connection.NeonPoolerEndpointException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains why the direct DataSource and migrations (Flyway, Liquibase) cannot use Neon's pooled endpoint, and
 * which host to use.
 */
class NeonPoolerEndpointFailureAnalyzer extends AbstractFailureAnalyzer<NeonPoolerEndpointException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NeonPoolerEndpointException cause) {
		String description = cause.getSource() + " points at " + cause.getPooledHost() + ", a Neon pooled endpoint"
				+ " (PgBouncer in transaction mode), where the direct endpoint is required. Migrations and session"
				+ " features need a session of their own: Flyway's advisory lock, SET, LISTEN/NOTIFY and temporary"
				+ " tables do not work through the pooler.";
		return new FailureAnalysis(description, action(cause), cause);
	}

	private static String action(NeonPoolerEndpointException cause) {
		String source = cause.getSource();
		String tool = source.equals("spring.flyway.url") ? "Flyway"
				: source.equals("spring.liquibase.url") ? "Liquibase" : null;
		if (tool != null) {
			return "Remove " + source + ": the starter already runs " + tool + " on its direct DataSource"
					+ " (neonDirectDataSource), which Spring Boot prefers over " + source + ". To migrate against"
					+ " another database, set neon.direct-url to its direct host, e.g. " + cause.getDirectHost() + ".";
		}
		if (source.equals("neon.direct-url") || source.equals("DIRECT_URL")) {
			return "Set " + source + " to the direct host " + cause.getDirectHost() + " (the pooled host without"
					+ " -pooler in its first label), or leave it unset: the starter derives the direct endpoint from"
					+ " neon.url / DATABASE_URL.";
		}
		return "Point " + source + " at the direct host " + cause.getDirectHost()
				+ " (the pooled host without -pooler in its first label).";
	}

}
