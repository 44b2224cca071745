package dev.neonstarter.autoconfigure.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** See {@link RequiresPgBouncer}. */
class PgBouncerCondition implements ExecutionCondition {

	static final String REQUIRE_PROPERTY = "neon.test.require-pgbouncer";

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (PgBouncerServer.executable().isPresent()) {
			return ConditionEvaluationResult.enabled("pgbouncer is installed");
		}
		if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
			throw new IllegalStateException("pgbouncer is required (-D" + REQUIRE_PROPERTY
					+ "=true) but not installed: run 'apt-get install -y pgbouncer'");
		}
		return ConditionEvaluationResult.disabled("pgbouncer is not installed, so the PgBouncer/TLS topology tests"
				+ " are skipped: run 'apt-get install -y pgbouncer' (Debian/Ubuntu) to run them");
	}

}
