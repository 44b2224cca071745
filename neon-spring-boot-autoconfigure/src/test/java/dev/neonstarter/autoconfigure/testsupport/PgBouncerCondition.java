package dev.neonstarter.autoconfigure.testsupport;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** See {@link RequiresPgBouncer}. */
class PgBouncerCondition implements ExecutionCondition {

	static final String REQUIRE_PROPERTY = "neon.test.require-pgbouncer";

	private final Supplier<Optional<Path>> executable;

	private final BooleanSupplier required;

	PgBouncerCondition() {
		this(PgBouncerServer::executable, () -> Boolean.getBoolean(REQUIRE_PROPERTY));
	}

	PgBouncerCondition(Supplier<Optional<Path>> executable, BooleanSupplier required) {
		this.executable = executable;
		this.required = required;
	}

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (this.executable.get().isPresent()) {
			return ConditionEvaluationResult.enabled("pgbouncer is installed");
		}
		if (this.required.getAsBoolean()) {
			throw new IllegalStateException("pgbouncer is required (-D" + REQUIRE_PROPERTY
					+ "=true) but not installed: run 'apt-get install -y pgbouncer'");
		}
		return ConditionEvaluationResult.disabled("pgbouncer is not installed, so the PgBouncer/TLS topology tests"
				+ " are skipped: run 'apt-get install -y pgbouncer' (Debian/Ubuntu) to run them");
	}

}
