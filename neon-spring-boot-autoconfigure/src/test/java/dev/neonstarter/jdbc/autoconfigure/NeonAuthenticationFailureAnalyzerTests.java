package dev.neonstarter.jdbc.autoconfigure;

import java.sql.SQLException;

import dev.neonstarter.connection.NeonAuthenticationException;
import dev.neonstarter.connection.NeonConnectionString;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link NeonAuthenticationFailureAnalyzer} tells about a refused login: pool, host and user, where the
 * credentials come from, and for Neon hosts the SNI cause. {@code NeonStartupFailuresIntegrationTests} gets the
 * failure from real servers.
 */
class NeonAuthenticationFailureAnalyzerTests {

	private static final String PASSWORD = "Tr0ub4dor";

	private final NeonAuthenticationFailureAnalyzer analyzer = new NeonAuthenticationFailureAnalyzer();

	@Test
	void neonHostsGetTheSniHint() {
		NeonAuthenticationException failure = new NeonAuthenticationException("neon-direct",
				NeonConnectionString.parse("jdbc:postgresql://ep-cool-darkness-123456.us-east-2.aws.neon.tech:5432/neondb"),
				"app",
				new SQLException("FATAL: password authentication failed for user \"app\"", "28P01"));
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException(failure));
		assertThat(analysis.getDescription()).isEqualTo("The neon-direct DataSource could not log in to"
				+ " ep-cool-darkness-123456.us-east-2.aws.neon.tech:5432 as user 'app': FATAL: password authentication"
				+ " failed for user \"app\" (SQLState 28P01).");
		assertThat(analysis.getAction()).contains("not be sending SNI")
			.contains("options=endpoint%3Dep-cool-darkness-123456 (neon.direct-url; the pooler rejects the options"
					+ " parameter)");
		assertThat(analysis.getCause()).isSameAs(failure);
	}

	@Test
	void theDirectPoolsCredentialsComeFromItsOwnPropertiesToo() {
		FailureAnalysis analysis = analyze("neon-direct", "postgresql://migrator:" + PASSWORD
				+ "@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb", "migrator");
		assertThat(analysis.getAction())
			.startsWith("Check the user name and password the neon-direct DataSource uses. They come from the"
					+ " user:password part of neon.url / DATABASE_URL (percent-encoded: @ : / ? # % as %40 %3A %2F %3F"
					+ " %23 %25) or neon.direct-url / DIRECT_URL, overridden by neon.username / neon.password and"
					+ " neon.direct.username / neon.direct.password, or from a service connection")
			.contains("On Neon, the console shows each role's password");
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(PASSWORD);
	}

	@Test
	void thePooledPoolsCredentialsComeFromTheMainConnectionString() {
		FailureAnalysis analysis = analyze("neon-pooled", "postgresql://app:" + PASSWORD
				+ "@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb", "app");
		assertThat(analysis.getDescription()).startsWith("The neon-pooled DataSource could not log in to"
				+ " ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech:5432 as user 'app': ");
		assertThat(analysis.getAction()).contains("neon.username / neon.password")
			.doesNotContain("neon.direct-url / DIRECT_URL")
			.doesNotContain("neon.direct.username")
			// The endpoint id, not the pooled host's first label.
			.contains("options=endpoint%3Dep-cool-darkness-123456 (");
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(PASSWORD);
	}

	@Test
	void otherHostsGetNoNeonHint() {
		FailureAnalysis analysis = analyze("neon-pooled", "postgresql://app_user:" + PASSWORD + "@localhost:6432/db",
				"app_user");
		assertThat(analysis.getDescription()).isEqualTo("The neon-pooled DataSource could not log in to localhost:6432"
				+ " as user 'app_user': FATAL: password authentication failed for user \"app_user\" (SQLState 28P01).");
		assertThat(analysis.getAction()).contains("neon.username / neon.password")
			.doesNotContain("SNI")
			.doesNotContain("Neon, the console");
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(PASSWORD);
	}

	private FailureAnalysis analyze(String poolName, String connectionString, String user) {
		NeonAuthenticationException failure = new NeonAuthenticationException(poolName,
				NeonConnectionString.parse(connectionString), user,
				new SQLException("FATAL: password authentication failed for user \"" + user + "\"", "28P01"));
		return this.analyzer.analyze(new IllegalStateException("startup failed", failure));
	}

}
