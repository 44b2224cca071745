package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.connection.NeonConnectionString;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What {@link InvalidNeonConnectionStringFailureAnalyzer} tells about a malformed connection string.
 */
class InvalidNeonConnectionStringFailureAnalyzerTests {

	private final InvalidNeonConnectionStringFailureAnalyzer analyzer = new InvalidNeonConnectionStringFailureAnalyzer();

	@Test
	void saysWhatIsWrongAndWhereWithoutThePassword() {
		InvalidNeonConnectionStringException failure = parseFailure(
				"postgresql://app:Tr0ub4dor@ep-a-1-pooler.us-east-2.aws.neon.tech:54x2/neondb")
			.withSource("neon.url");
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException(failure));
		assertThat(analysis.getDescription())
			.startsWith("The connection string in neon.url cannot be used: the port is not a number")
			.endsWith(".");
		assertThat(analysis.getAction()).startsWith("Fix neon.url. Paste the connection string from the Neon console")
			.contains("must be percent-encoded (%40 %3A %2F %3F %23 %25)");
		assertThat(analysis.getCause()).isNull();
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("Tr0ub4dor");
	}

	@Test
	void withoutASourceNamesTheConnectionString() {
		FailureAnalysis analysis = this.analyzer.analyze(new InvalidNeonConnectionStringException("no host is given"));
		assertThat(analysis.getDescription())
			.isEqualTo("The connection string in the connection string cannot be used: no host is given.");
		assertThat(analysis.getAction()).startsWith("Fix the connection string.");
	}

	@Test
	void leavesUnknownParametersToTheirOwnAnalyzer() {
		InvalidNeonConnectionStringException unknown = parseFailure(
				"postgresql://app:Tr0ub4dor@localhost/neondb?pool_size=5");
		assertThat(unknown).isInstanceOf(dev.neonstarter.connection.UnknownConnectionParameterException.class);
		assertThat(this.analyzer.analyze(unknown)).isNull();
	}

	static InvalidNeonConnectionStringException parseFailure(String connectionString) {
		return catchThrowableOfType(InvalidNeonConnectionStringException.class,
				() -> NeonConnectionString.parse(connectionString));
	}

}
