package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.connection.NeonPoolerEndpointException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link NeonPoolerEndpointFailureAnalyzer} tells when the pooled endpoint is configured where the direct
 * one is required, for each place it can be configured.
 */
class NeonPoolerEndpointFailureAnalyzerTests {

	private static final NeonConnectionString POOLED = NeonConnectionString.parse("postgresql://app:Tr0ub4dor"
			+ "@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require");

	private final NeonPoolerEndpointFailureAnalyzer analyzer = new NeonPoolerEndpointFailureAnalyzer();

	@Test
	void directUrlPropertyNamesTheDirectHost() {
		FailureAnalysis analysis = analyze("neon.direct-url");
		assertThat(analysis.getDescription()).isEqualTo("neon.direct-url points at"
				+ " ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech, a Neon pooled endpoint (PgBouncer in"
				+ " transaction mode), where the direct endpoint is required. Migrations and session features need a"
				+ " session of their own: Flyway's advisory lock, SET, LISTEN/NOTIFY and temporary tables do not work"
				+ " through the pooler.");
		assertThat(analysis.getAction()).isEqualTo("Set neon.direct-url to the direct host"
				+ " ep-cool-darkness-123456.us-east-2.aws.neon.tech (the pooled host without -pooler in its first"
				+ " label), or leave it unset: the starter derives the direct endpoint from neon.url / DATABASE_URL.");
	}

	@Test
	void directUrlVariableIsNamed() {
		FailureAnalysis analysis = analyze("DIRECT_URL");
		assertThat(analysis.getDescription())
			.startsWith("DIRECT_URL points at ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech");
		assertThat(analysis.getAction())
			.startsWith("Set DIRECT_URL to the direct host ep-cool-darkness-123456.us-east-2.aws.neon.tech");
	}

	@Test
	void flywayUrlIsToBeRemoved() {
		FailureAnalysis analysis = analyze("spring.flyway.url");
		assertThat(analysis.getDescription())
			.startsWith("spring.flyway.url points at ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech, a Neon"
					+ " pooled endpoint");
		assertThat(analysis.getAction()).startsWith("Remove spring.flyway.url: the starter already runs Flyway on its"
				+ " direct DataSource (neonDirectDataSource)")
			.endsWith("set neon.direct-url to its direct host, e.g. ep-cool-darkness-123456.us-east-2.aws.neon.tech.");
	}

	@Test
	void liquibaseUrlIsToBeRemoved() {
		assertThat(analyze("spring.liquibase.url").getAction()).startsWith("Remove spring.liquibase.url: the starter"
				+ " already runs Liquibase on its direct DataSource (neonDirectDataSource)");
	}

	@Test
	void otherSourcesArePointedAtTheDirectHost() {
		FailureAnalysis analysis = analyze("neon.direct.hikari.jdbc-url");
		assertThat(analysis.getDescription()).startsWith("neon.direct.hikari.jdbc-url points at"
				+ " ep-cool-darkness-123456-pooler");
		assertThat(analysis.getAction()).isEqualTo("Point neon.direct.hikari.jdbc-url at the direct host"
				+ " ep-cool-darkness-123456.us-east-2.aws.neon.tech (the pooled host without -pooler in its first"
				+ " label).");
	}

	private FailureAnalysis analyze(String source) {
		NeonPoolerEndpointException failure = new NeonPoolerEndpointException(source, POOLED);
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException(failure));
		assertThat(analysis.getCause()).isSameAs(failure);
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("Tr0ub4dor");
		return analysis;
	}

}
