package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.connection.UnknownConnectionParameterException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link UnknownConnectionParameterFailureAnalyzer} tells about a parameter neither libpq translation nor
 * pgjdbc knows.
 */
class UnknownConnectionParameterFailureAnalyzerTests {

	private final UnknownConnectionParameterFailureAnalyzer analyzer = new UnknownConnectionParameterFailureAnalyzer();

	@Test
	void aLibpqParameterGetsItsPgjdbcEquivalent() {
		FailureAnalysis analysis = analyze("postgresql://app:Tr0ub4dor@ep-a-1-pooler.us-east-2.aws.neon.tech/neondb"
				+ "?sslmode=require&target_session_attrs=read-write", "neon.url");
		assertThat(analysis.getDescription()).isEqualTo("The connection string in neon.url has the parameter"
				+ " 'target_session_attrs', which is neither a libpq parameter the starter translates nor a pgjdbc"
				+ " connection property. pgjdbc would ignore it, so the starter refuses it.");
		assertThat(analysis.getAction()).startsWith("For 'target_session_attrs': pgjdbc's equivalent is targetServerType")
			.contains("Supported are the libpq parameters sslmode, sslrootcert")
			.doesNotContain("Remove 'target_session_attrs'");
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("Tr0ub4dor");
	}

	@Test
	void anUnknownParameterIsToBeRemovedFromWhereItCameFrom() {
		FailureAnalysis analysis = analyze("postgresql://app:Tr0ub4dor@localhost/neondb?pool_size=5", "DATABASE_URL");
		assertThat(analysis.getDescription())
			.startsWith("The connection string in DATABASE_URL has the parameter 'pool_size'");
		assertThat(analysis.getAction()).startsWith("Remove 'pool_size' from DATABASE_URL.")
			.contains("Pool settings belong in neon.pooled.hikari.* / neon.direct.hikari.*, not in the URL.");
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("Tr0ub4dor");
	}

	@Test
	void withoutASourceNamesTheConnectionString() {
		FailureAnalysis analysis = analyze("postgresql://app:Tr0ub4dor@localhost/neondb?pool_size=5", null);
		assertThat(analysis.getDescription()).startsWith("The connection string in the connection string has the"
				+ " parameter 'pool_size'");
		assertThat(analysis.getAction()).startsWith("Remove 'pool_size' from the connection string.");
	}

	private FailureAnalysis analyze(String connectionString, String source) {
		InvalidNeonConnectionStringException failure = InvalidNeonConnectionStringFailureAnalyzerTests
			.parseFailure(connectionString);
		assertThat(failure).isInstanceOf(UnknownConnectionParameterException.class);
		InvalidNeonConnectionStringException attributed = (source != null) ? failure.withSource(source) : failure;
		return this.analyzer.analyze(new IllegalStateException(attributed));
	}

}
