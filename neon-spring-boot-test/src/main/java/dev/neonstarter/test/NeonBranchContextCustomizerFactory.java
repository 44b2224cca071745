package dev.neonstarter.test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.neonstarter.api.NeonBranchConnection;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Makes the branch of a {@link NeonBranch} test class the context's Neon connection: its pooled and direct
 * connection URIs become {@code neon.url} and {@code neon.direct-url} in a property source above all others (as
 * {@code @DynamicPropertySource} adds its own), so they win over {@code DATABASE_URL}/{@code DIRECT_URL} and over
 * a {@code neon.url} in the application's own configuration or the test's properties: both DataSources, and so
 * Flyway, connect to the branch. Each annotated class gets its own context, since each has its own branch.
 * <p>
 * The branch is used as Neon returned it, as a connection details bean of the starter would be: the same source
 * blanks {@code neon.username}/{@code neon.password} (and the direct pool's), which would otherwise replace the
 * branch's role, and {@code spring.datasource.url}, which beside a {@code neon.url} naming another database
 * would fail startup. An application with a read replica ({@code neon.read-replica.url}) reads from the branch's
 * pooled endpoint instead, so no pool of the test reaches the replica its configuration names.
 */
class NeonBranchContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return TestContextAnnotationUtils.hasAnnotation(testClass, NeonBranch.class)
				? new NeonBranchContextCustomizer(testClass) : null;
	}

	/** Adds the branch's properties when the context is built, which happens after the branch exists. */
	static final class NeonBranchContextCustomizer implements ContextCustomizer {

		static final String PROPERTY_SOURCE_NAME = "neonBranch";

		private static final String READ_REPLICA_URL = "neon.read-replica.url";

		private final Class<?> testClass;

		NeonBranchContextCustomizer(Class<?> testClass) {
			this.testClass = testClass;
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			NeonBranchConnection branch = NeonBranchExtension.branchFor(this.testClass);
			Assert.state(branch != null, () -> "No Neon branch for " + this.testClass.getName()
					+ ": @NeonBranch creates it when JUnit Jupiter runs the class");
			ConfigurableEnvironment environment = context.getEnvironment();
			boolean replica = StringUtils.hasText(environment.getProperty(READ_REPLICA_URL));
			environment.getPropertySources()
				.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties(branch, replica)));
		}

		/**
		 * The branch's connection properties; with {@code replica}, an application that reads from a read replica
		 * reads from the branch too (the replica it names is not the test's to touch).
		 */
		static Map<String, Object> properties(NeonBranchConnection branch, boolean replica) {
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("neon.url", branch.pooledUri());
			properties.put("neon.direct-url", branch.directUri());
			if (replica) {
				properties.put(READ_REPLICA_URL, branch.pooledUri());
			}
			for (String unused : new String[] { "neon.username", "neon.password", "neon.direct.username",
					"neon.direct.password", "spring.datasource.url" }) {
				properties.put(unused, "");
			}
			return properties;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof NeonBranchContextCustomizer that && this.testClass == that.testClass;
		}

		@Override
		public int hashCode() {
			return this.testClass.hashCode();
		}

	}

}
