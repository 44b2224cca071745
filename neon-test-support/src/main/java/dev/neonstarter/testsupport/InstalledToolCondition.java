package dev.neonstarter.testsupport;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs tests that need a tool from a Debian package when it is installed; otherwise skips them with a message
 * saying how to install it, unless {@code -D}{@value #REQUIRE_PROPERTY}{@code =true} (set by CI, which installs
 * the topology's tools), where they fail instead.
 */
abstract class InstalledToolCondition implements ExecutionCondition {

	static final String REQUIRE_PROPERTY = "neon.test.require-pgbouncer";

	private final String tool;

	private final String debianPackage;

	private final String tests;

	private final Supplier<Optional<Path>> executable;

	private final BooleanSupplier required;

	/**
	 * @param tool the executable's name
	 * @param debianPackage the package that installs it
	 * @param tests which tests need it, for the skip message
	 * @param executable finds the executable
	 * @param required whether a missing tool fails the tests rather than skipping them
	 */
	InstalledToolCondition(String tool, String debianPackage, String tests, Supplier<Optional<Path>> executable,
			BooleanSupplier required) {
		this.tool = tool;
		this.debianPackage = debianPackage;
		this.tests = tests;
		this.executable = executable;
		this.required = required;
	}

	static boolean requiredByCi() {
		return Boolean.getBoolean(REQUIRE_PROPERTY);
	}

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (this.executable.get().isPresent()) {
			return ConditionEvaluationResult.enabled(this.tool + " is installed");
		}
		String install = "'apt-get install -y " + this.debianPackage + "'";
		if (this.required.getAsBoolean()) {
			throw new IllegalStateException(this.tool + " is required (-D" + REQUIRE_PROPERTY
					+ "=true) but not installed: run " + install);
		}
		return ConditionEvaluationResult.disabled(this.tool + " is not installed, so the " + this.tests
				+ " are skipped: run " + install + " (Debian/Ubuntu) to run them");
	}

}
