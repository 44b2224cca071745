package dev.neonstarter.test;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Lets the inner test classes that the tests run through {@code EngineTestKit} run only there, never on their
 * own (from an IDE, with a real NEON_API_KEY in the environment, they would create real branches).
 */
class EngineTestKitOnly implements ExecutionCondition {

	static final String PARAMETER = "neon.test.engine-test-kit";

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		return context.getConfigurationParameter(PARAMETER, Boolean::parseBoolean).orElse(false)
				? ConditionEvaluationResult.enabled("run by EngineTestKit")
				: ConditionEvaluationResult.disabled("run only by EngineTestKit, against the Neon API stub");
	}

}
