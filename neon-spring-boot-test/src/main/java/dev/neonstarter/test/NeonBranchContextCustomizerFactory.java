package dev.neonstarter.test;

import java.util.List;

import dev.neonstarter.autoconfigure.api.NeonBranchConnection;
import dev.neonstarter.jdbc.autoconfigure.NeonConnectionDetails;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.util.Assert;

/**
 * Makes the branch of a {@link NeonBranch} test class the context's {@link NeonConnectionDetails}, which the
 * Neon auto-configuration prefers over {@code neon.url}/{@code DATABASE_URL}: both DataSources, and so Flyway,
 * connect to the branch. Each annotated class gets its own context, since each has its own branch.
 */
class NeonBranchContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return TestContextAnnotationUtils.hasAnnotation(testClass, NeonBranch.class)
				? new NeonBranchContextCustomizer(testClass) : null;
	}

	/** Registers the branch as a bean when the context is built, which happens after the branch exists. */
	static final class NeonBranchContextCustomizer implements ContextCustomizer {

		static final String BEAN_NAME = "neonBranchConnectionDetails";

		private final Class<?> testClass;

		NeonBranchContextCustomizer(Class<?> testClass) {
			this.testClass = testClass;
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			NeonBranchConnection branch = NeonBranchExtension.branchFor(this.testClass);
			Assert.state(branch != null, () -> "No Neon branch for " + this.testClass.getName()
					+ ": @NeonBranch creates it when JUnit Jupiter runs the class");
			if (context.getBeanFactory() instanceof BeanDefinitionRegistry registry) {
				registry.registerBeanDefinition(BEAN_NAME,
						new RootBeanDefinition(NeonBranchConnection.class, () -> branch));
			}
			else {
				context.getBeanFactory().registerSingleton(BEAN_NAME, branch);
			}
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
