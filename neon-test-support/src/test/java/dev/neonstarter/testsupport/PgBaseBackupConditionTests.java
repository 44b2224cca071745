package dev.neonstarter.testsupport;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class PgBaseBackupConditionTests {

	@Test
	void skipsWithInstallAdviceOnADeveloperMachine() {
		ConditionEvaluationResult result = new PgBaseBackupCondition(Optional::empty, () -> false)
			.evaluateExecutionCondition(null);
		assertThat(result.isDisabled()).isTrue();
		assertThat(result.getReason()).hasValueSatisfying((reason) -> assertThat(reason)
			.contains("pg_basebackup is not installed", "apt-get install -y postgresql-client", "skipped"));
	}

	@Test
	void failsInCi() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new PgBaseBackupCondition(Optional::empty, () -> true).evaluateExecutionCondition(null))
			.withMessageContaining("pg_basebackup is required (-Dneon.test.require-pgbouncer=true)");
	}

}
