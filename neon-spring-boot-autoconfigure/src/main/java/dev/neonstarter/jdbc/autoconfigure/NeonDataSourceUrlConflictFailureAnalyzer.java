package dev.neonstarter.jdbc.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Names both URLs when a Neon URL and a {@code spring.datasource.url} for another database are set, and how to
 * keep the one that is meant.
 */
class NeonDataSourceUrlConflictFailureAnalyzer extends AbstractFailureAnalyzer<NeonDataSourceUrlConflictException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NeonDataSourceUrlConflictException cause) {
		String description = "Two databases are configured: " + cause.getNeonSource() + " names the Neon endpoint "
				+ cause.getNeonHost() + " and spring.datasource.url names " + cause.getDataSourceTarget()
				+ ". The Neon starter does not pick one silently: either could send the application, or a test,"
				+ " to a database it did not mean.";
		String source = cause.getNeonSource();
		String action = "Keep the one you mean:\n"
				+ "  - to use Neon, remove spring.datasource.url: the starter configures both DataSources from " + source
				+ ";\n"
				+ "  - to use spring.datasource.url (an H2 profile, a test database), set neon.enabled=false for that"
				+ " profile or test, or unset " + source + " there;\n"
				+ "  - in tests, @AutoConfigureTestDatabase or neon.embedded.replace=true keep every connection away"
				+ " from both.";
		return new FailureAnalysis(description, action, cause);
	}

}
