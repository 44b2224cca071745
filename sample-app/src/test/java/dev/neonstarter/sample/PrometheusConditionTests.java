package dev.neonstarter.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class PrometheusConditionTests {

	@Test
	void runsWhenInstalled() {
		ConditionEvaluationResult result = new PrometheusCondition(() -> true, () -> true)
			.evaluateExecutionCondition(null);
		assertThat(result.isDisabled()).isFalse();
	}

	@Test
	void skipsWithInstallAdviceOnADeveloperMachine() {
		ConditionEvaluationResult result = new PrometheusCondition(() -> false, () -> false)
			.evaluateExecutionCondition(null);
		assertThat(result.isDisabled()).isTrue();
		assertThat(result.getReason()).hasValueSatisfying(
				(reason) -> assertThat(reason).contains("apt-get install -y prometheus").contains("skipped"));
	}

	@Test
	void failsInCi() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new PrometheusCondition(() -> false, () -> true).evaluateExecutionCondition(null))
			.withMessageContaining("-Dneon.test.require-pgbouncer=true");
	}

}
