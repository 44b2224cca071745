package dev.neonstarter.test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.neonstarter.api.NeonApiClient;
import dev.neonstarter.api.NeonBranchConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.junit.platform.commons.support.AnnotationSupport;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.StringUtils;

/**
 * {@link NeonBranch}'s extension. The branch is created before the class's first test (or before its instance
 * when the class uses {@code PER_CLASS}) and held in the class's extension store, which JUnit closes after the
 * class whatever happened, so the branch is deleted even when tests or callbacks fail. {@code @Nested} classes
 * share their enclosing class's branch.
 * <p>
 * Settings come from JUnit configuration parameters (which include system properties), then environment
 * variables: {@code neon.api.*} as {@link NeonApiEnvironment} reads them, and {@code NEON_KEEP_BRANCH}.
 */
class NeonBranchExtension
		implements ExecutionCondition, BeforeAllCallback, TestInstancePreConstructCallback, ParameterResolver {

	/** {@code true} keeps every branch, as {@link NeonBranch#keep()} does for one class. */
	static final String KEEP_VARIABLE = "NEON_KEEP_BRANCH";

	/** The JUnit report entry that carries the branch name. */
	static final String REPORT_ENTRY = "neon.branch";

	private static final Log logger = LogFactory.getLog(NeonBranchExtension.class);

	private static final Namespace NAMESPACE = Namespace.create(NeonBranchExtension.class);

	private static final String LEASE = "lease";

	// For the Spring context customizer, which sees the test class but no ExtensionContext.
	private static final Map<Class<?>, NeonBranchConnection> branches = new ConcurrentHashMap<>();

	/** The branch of a test class while it runs, else {@code null}. */
	static NeonBranchConnection branchFor(Class<?> testClass) {
		return branches.get(testClass);
	}

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (StringUtils.hasText(NeonApiEnvironment.settings(environment(context)).key())) {
			return ConditionEvaluationResult.enabled("a Neon API key is set");
		}
		return ConditionEvaluationResult.disabled("@NeonBranch needs a Neon API key to create a branch for the test:"
				+ " set the NEON_API_KEY and NEON_PROJECT_ID environment variables (or neon.api.key and"
				+ " neon.api.project-id as system properties)");
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		branch(context);
	}

	@Override
	public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
		branch(context);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == NeonBranchConnection.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return branch(extensionContext);
	}

	private NeonBranchConnection branch(ExtensionContext context) {
		Class<?> testClass = context.getRequiredTestClass();
		Store store = context.getStore(NAMESPACE);
		// Found in an enclosing class's store for @Nested classes and at method level.
		NeonBranchConnection branch = store.computeIfAbsent(LEASE, (key) -> Lease.create(context), Lease.class).branch;
		store.computeIfAbsent(testClass, (key) -> new Registration(testClass, branch), Registration.class);
		return branch;
	}

	static ConfigurableEnvironment environment(ExtensionContext context) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new ConfigurationParameters(context));
		return environment;
	}

	private static String emptyToNull(String value) {
		return StringUtils.hasText(value) ? value : null;
	}

	/**
	 * A created branch; closing it deletes the branch unless it is kept. So does a JVM that shuts down before
	 * (SIGTERM or Ctrl-C, as a cancelled CI job stops its build), through a shutdown hook; a killed JVM cannot.
	 */
	private static final class Lease implements AutoCloseable {

		private final NeonApiClient client;

		private final NeonBranchConnection branch;

		private final boolean keep;

		private final AtomicBoolean deleted = new AtomicBoolean();

		private final Thread onShutdown = new Thread(this::deleteOnShutdown, "neon-branch-cleanup");

		private Lease(NeonApiClient client, NeonBranchConnection branch, boolean keep) {
			this.client = client;
			this.branch = branch;
			this.keep = keep;
			if (!keep) {
				Runtime.getRuntime().addShutdownHook(this.onShutdown);
			}
		}

		static Lease create(ExtensionContext context) {
			NeonBranch annotation = AnnotationSupport
				.findAnnotation(context.getRequiredTestClass(), NeonBranch.class, context.getEnclosingTestClasses())
				.orElseThrow(() -> new IllegalStateException(
						context.getRequiredTestClass().getName() + " is not annotated with @NeonBranch"));
			ConfigurableEnvironment environment = environment(context);
			NeonApiClient client = new NeonApiClient(NeonApiEnvironment.settings(environment));
			NeonBranchConnection branch = client.createBranch(NeonBranches.newName(annotation.namePrefix()),
					annotation.parent(), emptyToNull(annotation.database()), emptyToNull(annotation.role()));
			boolean keep = annotation.keep() || Boolean.parseBoolean(environment.getProperty(KEEP_VARIABLE));
			context.publishReportEntry(REPORT_ENTRY, branch.name());
			logger.info("Neon branch '" + branch.name() + "' (" + branch.id() + ") for "
					+ context.getRequiredTestClass().getName() + (keep ? "; it will be kept" : ""));
			return new Lease(client, branch, keep);
		}

		@Override
		public void close() {
			if (this.keep) {
				logger.warn("Kept Neon branch '" + this.branch.name() + "' (" + this.branch.id() + ") of project "
						+ this.client.projectId() + " for debugging; delete it in the Neon console when done");
				return;
			}
			try {
				Runtime.getRuntime().removeShutdownHook(this.onShutdown);
			}
			catch (IllegalStateException shuttingDown) {
				// the hook runs (or ran) and deletes it
			}
			if (this.deleted.compareAndSet(false, true)) {
				this.client.deleteBranch(this.branch.id());
			}
		}

		private void deleteOnShutdown() {
			if (!this.deleted.compareAndSet(false, true)) {
				return;
			}
			// Logging may already have shut down: say it on standard error.
			try {
				this.client.deleteBranch(this.branch.id());
				System.err.println("Deleted Neon branch '" + this.branch.name() + "' (" + this.branch.id()
						+ ") as the JVM shut down during its tests");
			}
			catch (RuntimeException ex) {
				System.err.println("Could not delete Neon branch '" + this.branch.name() + "' (" + this.branch.id()
						+ ") of project " + this.client.projectId() + " as the JVM shut down: " + ex.getMessage()
						+ "; delete it in the Neon console or with NeonBranches.deleteStale");
			}
		}

	}

	/** Makes the branch visible to the Spring context customizer while one test class runs. */
	private static final class Registration implements AutoCloseable {

		private final Class<?> testClass;

		Registration(Class<?> testClass, NeonBranchConnection branch) {
			this.testClass = testClass;
			branches.put(testClass, branch);
		}

		@Override
		public void close() {
			branches.remove(this.testClass);
		}

	}

	/** JUnit configuration parameters (explicit ones, then system properties, then junit-platform.properties). */
	private static final class ConfigurationParameters extends PropertySource<ExtensionContext> {

		ConfigurationParameters(ExtensionContext context) {
			super("junitConfigurationParameters", context);
		}

		@Override
		public Object getProperty(String name) {
			return getSource().getConfigurationParameter(name).orElse(null);
		}

	}

}
