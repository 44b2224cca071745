package dev.neonstarter.sample;

import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** See {@link RequiresPrometheus}. */
class PrometheusCondition implements ExecutionCondition {

	/** The property CI sets for the server-backed tests (named after the first tool it covered). */
	static final String REQUIRE_PROPERTY = "neon.test.require-pgbouncer";

	private final BooleanSupplier installed;

	private final BooleanSupplier required;

	PrometheusCondition() {
		this(() -> PrometheusServer.executable("prometheus").isPresent()
				&& PrometheusServer.executable("promtool").isPresent(), () -> Boolean.getBoolean(REQUIRE_PROPERTY));
	}

	PrometheusCondition(BooleanSupplier installed, BooleanSupplier required) {
		this.installed = installed;
		this.required = required;
	}

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (this.installed.getAsBoolean()) {
			return ConditionEvaluationResult.enabled("prometheus and promtool are installed");
		}
		if (this.required.getAsBoolean()) {
			throw new IllegalStateException("prometheus and promtool are required (-D" + REQUIRE_PROPERTY
					+ "=true) but not installed: run 'apt-get install -y prometheus'");
		}
		return ConditionEvaluationResult.disabled("prometheus/promtool are not installed, so the alert rule tests"
				+ " and the real-Prometheus test are skipped: run 'apt-get install -y prometheus' (Debian/Ubuntu)"
				+ " to run them");
	}

}
