package dev.neonstarter.testsupport;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class PgBouncerConditionTests {

	@Test
	void runsWhenInstalled() {
		ConditionEvaluationResult result = new PgBouncerCondition(() -> Optional.of(Path.of("/usr/sbin/pgbouncer")),
				() -> true)
			.evaluateExecutionCondition(null);
		assertThat(result.isDisabled()).isFalse();
	}

	@Test
	void skipsWithInstallAdviceOnADeveloperMachine() {
		ConditionEvaluationResult result = new PgBouncerCondition(Optional::empty, () -> false)
			.evaluateExecutionCondition(null);
		assertThat(result.isDisabled()).isTrue();
		assertThat(result.getReason()).hasValueSatisfying(
				(reason) -> assertThat(reason).contains("apt-get install -y pgbouncer").contains("skipped"));
	}

	@Test
	void failsInCi() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new PgBouncerCondition(Optional::empty, () -> true).evaluateExecutionCondition(null))
			.withMessageContaining("-Dneon.test.require-pgbouncer=true");
	}

}
