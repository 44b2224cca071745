package dev.neonstarter.test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.neonstarter.api.NeonBranchConnection;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.util.Assert;

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
 * would fail startup.
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

		private final Class<?> testClass;

		NeonBranchContextCustomizer(Class<?> testClass) {
			this.testClass = testClass;
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			NeonBranchConnection branch = NeonBranchExtension.branchFor(this.testClass);
			Assert.state(branch != null, () -> "No Neon branch for " + this.testClass.getName()
					+ ": @NeonBranch creates it when JUnit Jupiter runs the class");
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties(branch)));
		}

		static Map<String, Object> properties(NeonBranchConnection branch) {
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("neon.url", branch.pooledUri());
			properties.put("neon.direct-url", branch.directUri());
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
