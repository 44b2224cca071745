package dev.neonstarter.jdbc.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link NeonDataSourceUrlConflictFailureAnalyzer} tells when a Neon URL and a {@code spring.datasource.url}
 * for another database are both set.
 */
class NeonDataSourceUrlConflictFailureAnalyzerTests {

	private final NeonDataSourceUrlConflictFailureAnalyzer analyzer = new NeonDataSourceUrlConflictFailureAnalyzer();

	@Test
	void namesBothDatabasesAndHowToKeepOne() {
		NeonDataSourceUrlConflictException failure = new NeonDataSourceUrlConflictException("neon.url",
				"ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech", "localhost:5433/local");
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException(failure));
		assertThat(analysis.getDescription()).isEqualTo("Two databases are configured: neon.url names the Neon endpoint"
				+ " ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech and spring.datasource.url names"
				+ " localhost:5433/local. The Neon starter does not pick one silently: either could send the"
				+ " application, or a test, to a database it did not mean.");
		assertThat(analysis.getAction()).startsWith("Keep the one you mean:")
			.contains("to use Neon, remove spring.datasource.url: the starter configures both DataSources from neon.url;")
			.contains("set neon.enabled=false for that profile or test, or unset neon.url there")
			.contains("@AutoConfigureTestDatabase or neon.embedded.replace=true");
		assertThat(analysis.getCause()).isSameAs(failure);
	}

	@Test
	void namesTheEnvironmentVariableTheNeonUrlCameFrom() {
		FailureAnalysis analysis = this.analyzer.analyze(new NeonDataSourceUrlConflictException("DATABASE_URL",
				"ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech", "a jdbc:h2 database"));
		assertThat(analysis.getDescription()).startsWith("Two databases are configured: DATABASE_URL names the Neon"
				+ " endpoint ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech and spring.datasource.url names a"
				+ " jdbc:h2 database.");
		assertThat(analysis.getAction()).contains("configures both DataSources from DATABASE_URL;")
			.contains("or unset DATABASE_URL there");
	}

}
