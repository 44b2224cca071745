package dev.neonstarter.jdbc.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pooled endpoint that is no Neon host and not the direct one is taken for a pooler of unknown kind: with
 * server-side prepared statements, startup warns that such a pooler may bind a statement to another one.
 */
@ExtendWith(OutputCaptureExtension.class)
class NeonUnknownPoolerWarningTests {

	private static final String WARNING = "neon.pooled.prepared-statements=server needs a pooler that tracks";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class))
		.withPropertyValues("neon.ssl.verify-on-startup=false", "neon.url=postgresql://app:pw@pooler.internal:6432/app",
				"neon.direct-url=postgresql://app:pw@db.internal:5432/app");

	@Test
	void warnsWithServerPreparedStatements(CapturedOutput output) {
		this.runner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("The pooled endpoint pooler.internal:6432 is not a Neon host")
			.contains(WARNING)
			.contains("bind a statement to another client's prepared statement")
			.doesNotContain(":pw@");
	}

	@Test
	void quietWhenDisabled(CapturedOutput output) {
		this.runner.withPropertyValues("neon.pooled.prepared-statements=disabled")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void quietForOneServer(CapturedOutput output) {
		this.runner.withPropertyValues("neon.direct-url=postgresql://app:pw@pooler.internal:6432/app")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void quietForNeon(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class))
			.withPropertyValues("neon.ssl.verify-on-startup=false",
					"neon.url=postgresql://app:pw@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain(WARNING);
	}

}
