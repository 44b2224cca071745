package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.pool.NeonEndpoint;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.pool.NeonPoolLimits;
import dev.neonstarter.pool.NeonPoolSizeException;
import dev.neonstarter.pool.NeonPools;
import dev.neonstarter.ssl.NeonTlsPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What {@link NeonPoolSizeFailureAnalyzer} tells about a pool larger than its endpoint accepts. The failures
 * come from {@link NeonPoolLimits} without a connection; {@code NeonStartupFailuresIntegrationTests} has the
 * limit a real server reports.
 */
class NeonPoolSizeFailureAnalyzerTests {

	private static final String POOLED = "postgresql://app:Tr0ub4dor@ep-cool-darkness-123456-pooler"
			+ ".us-east-2.aws.neon.tech/neondb?sslmode=require";

	private final NeonPoolSizeFailureAnalyzer analyzer = new NeonPoolSizeFailureAnalyzer();

	@Test
	void directPoolAboveTheLargestNeonCompute() {
		NeonConnectionString direct = NeonConnectionString.parse(POOLED).toDirect();
		try (NeonHikariDataSource pool = NeonPools.direct(endpoint(direct))) {
			pool.setMaximumPoolSize(5000);
			FailureAnalysis analysis = analyze(() -> NeonPoolLimits.checkDirect(pool, direct));
			assertThat(analysis.getDescription()).isEqualTo("The neon-direct DataSource may open 5000 connections"
					+ " (neon.direct.hikari.maximum-pool-size), but 3993 is the most the largest Neon compute allows"
					+ " (max_connections 4000 minus 7 reserved). Under load it would fail with 'remaining connection"
					+ " slots are reserved' (53300) or 'no more connections allowed' instead of queueing.");
			assertThat(analysis.getAction()).startsWith("Lower neon.direct.hikari.maximum-pool-size (default 2).")
				.contains("the application's traffic belongs on the pooled DataSource")
				.contains("104 at 0.25 CU, 419 at 1 CU, 4000 from 9 CU");
			assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("Tr0ub4dor");
		}
	}

	@Test
	void pooledPoolAboveThePoolersClientLimit() {
		NeonConnectionString pooled = NeonConnectionString.parse(POOLED);
		try (NeonHikariDataSource pool = NeonPools.pooled(endpoint(pooled))) {
			pool.setPoolName("orders-pooled");
			pool.setMaximumPoolSize(10001);
			FailureAnalysis analysis = analyze(
					() -> NeonPoolLimits.checkPooled(pool, pooled, "neon.pooled.hikari.maximum-pool-size"));
			assertThat(analysis.getDescription()).startsWith("The orders-pooled DataSource may open 10001 connections"
					+ " (neon.pooled.hikari.maximum-pool-size), but 10000 is the most Neon's pooler accepts from all"
					+ " clients together (max_client_conn).");
			assertThat(analysis.getAction()).isEqualTo("Lower neon.pooled.hikari.maximum-pool-size (default 10):"
					+ " PgBouncer queues statements, so a modest pool per instance is enough.");
			assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("Tr0ub4dor");
		}
	}

	private FailureAnalysis analyze(Executable check) {
		NeonPoolSizeException failure = catchThrowableOfType(NeonPoolSizeException.class, check::execute);
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException(failure));
		assertThat(analysis.getCause()).isSameAs(failure);
		return analysis;
	}

	private static NeonEndpoint endpoint(NeonConnectionString connection) {
		NeonTlsPolicy.Decision tls = NeonTlsPolicy.apply(connection, null, null);
		return new NeonEndpoint(tls.connection(), tls, connection.isPooledEndpoint());
	}

}
