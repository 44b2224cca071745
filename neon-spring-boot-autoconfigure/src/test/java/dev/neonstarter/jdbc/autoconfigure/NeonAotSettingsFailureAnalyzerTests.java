package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.jdbc.autoconfigure.NeonAotSettingsCheck.Processed;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What {@link NeonAotSettingsFailureAnalyzer} tells about an application processed ahead of time with other
 * settings than it runs with.
 */
class NeonAotSettingsFailureAnalyzerTests {

	private static final Processed EMBEDDED = new Processed(true, true, false, false, true, false, "'dev' (the default)");

	private final NeonAotSettingsFailureAnalyzer analyzer = new NeonAotSettingsFailureAnalyzer();

	@Test
	void describesTheMismatchAndNamesTheProfileToProcessWith() {
		MockEnvironment environment = new MockEnvironment().withProperty("neon.embedded.enabled", "true")
			.withProperty("neon.url", "postgresql://user:s3cret@h/db");
		environment.setActiveProfiles("prod");
		NeonAotSettingsMismatchException failure = mismatch(environment);
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException(failure));
		assertThat(analysis.getDescription()).isEqualTo(failure.getMessage())
			.startsWith("This application was processed ahead of time (Spring AOT) with profile 'dev' (the default)")
			.contains("neon.url is set now");
		assertThat(analysis.getAction())
			.startsWith("Process the application ahead of time with the settings it runs with: the same profile")
			.contains("-Dspring-boot.aot.jvmArguments=\"-Dspring.profiles.active=prod\"")
			.contains("<profiles><profile>prod</profile></profiles>")
			.contains("args(\"--spring.profiles.active=prod\")")
			.contains("or start it without -Dspring.aot.enabled=true");
		assertThat(analysis.getCause()).isSameAs(failure);
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("s3cret");
	}

	@Test
	void withoutAnActiveProfileShowsAPlaceholder() {
		NeonAotSettingsMismatchException failure = mismatch(new MockEnvironment()
			.withProperty("neon.embedded.enabled", "true")
			.withProperty("DATABASE_URL", "postgresql://user:s3cret@h/db"));
		FailureAnalysis analysis = this.analyzer.analyze(failure);
		assertThat(analysis.getAction()).contains("-Dspring.profiles.active=PROFILE")
			.contains("args(\"--spring.profiles.active=PROFILE\")");
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("s3cret");
	}

	private static NeonAotSettingsMismatchException mismatch(MockEnvironment environment) {
		return catchThrowableOfType(NeonAotSettingsMismatchException.class,
				() -> NeonAotSettingsCheck.check(environment, EMBEDDED));
	}

}
