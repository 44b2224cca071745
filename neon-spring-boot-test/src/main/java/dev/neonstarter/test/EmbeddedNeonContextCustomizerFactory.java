package dev.neonstarter.test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * What {@link AutoConfigureEmbeddedNeon} needs beyond its property mappings, so that a test never reaches a real
 * database through it:
 * <ul>
 * <li>turned off ({@code enabled = false}, on a class that inherits it), its {@code spring.test.database.replace=NONE}
 * would still keep a slice's {@code @AutoConfigureTestDatabase} from replacing the DataSource, and the starter it
 * imported would connect to {@code DATABASE_URL}: the test's own {@code @AutoConfigureTestDatabase} decides
 * again;</li>
 * <li>on, it cannot replace a {@code DataSource} bean of the application's own (the starter backs off for it, as
 * Spring Boot's DataSource does): startup fails saying so, instead of the test running on that bean.</li>
 * </ul>
 */
class EmbeddedNeonContextCustomizerFactory implements ContextCustomizerFactory {

	private static final String AUTO_CONFIGURE_TEST_DATABASE = "org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase";

	/** {@code NeonDataSources.POOLED_BEAN_NAME}: this module does not depend on the auto-configuration's. */
	private static final String POOLED_BEAN_NAME = "neonPooledDataSource";

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		AutoConfigureEmbeddedNeon embedded = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureEmbeddedNeon.class);
		if (embedded == null) {
			return null;
		}
		if (embedded.enabled()) {
			return new ApplicationDataSourceCheck();
		}
		MergedAnnotation<?> testDatabase = MergedAnnotations.from(testClass, SearchStrategy.TYPE_HIERARCHY)
			.get(AUTO_CONFIGURE_TEST_DATABASE);
		return testDatabase.isPresent() ? new TestDatabaseReplace(testDatabase.getValue("replace")
			.map((replace) -> ((Enum<?>) replace).name())
			.orElse("NON_TEST")) : null;
	}

	/**
	 * Gives {@code spring.test.database.replace} back to the test's {@code @AutoConfigureTestDatabase}: a property
	 * source above the annotations' mapped properties, added once every customizer has run (Spring Boot's adds
	 * those first too) and before any configuration class is read.
	 */
	record TestDatabaseReplace(String replace) implements ContextCustomizer {

		static final String PROPERTY_SOURCE_NAME = "neonEmbeddedDisabled";

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			MapPropertySource source = new MapPropertySource(PROPERTY_SOURCE_NAME,
					Map.of("spring.test.database.replace", this.replace));
			context.addBeanFactoryPostProcessor(new BeanDefinitionRegistryPostProcessor() {

				@Override
				public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
					context.getEnvironment().getPropertySources().addFirst(source);
				}

			});
		}

	}

	/** Fails the context when the application's own DataSource made the starter back off. */
	record ApplicationDataSourceCheck() implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			context.addBeanFactoryPostProcessor(ApplicationDataSourceCheck::check);
		}

		private static void check(ConfigurableListableBeanFactory beanFactory) {
			String[] dataSources = beanFactory.getBeanNamesForType(DataSource.class, true, false);
			if (dataSources.length > 0 && !beanFactory.containsBeanDefinition(POOLED_BEAN_NAME)) {
				throw new IllegalStateException("@AutoConfigureEmbeddedNeon cannot replace the application's own"
						+ " DataSource bean(s) " + Arrays.toString(dataSources) + ": the Neon starter did not create"
						+ " them (it backs off for a DataSource of the application's own, and is off with"
						+ " neon.enabled=false), so the test would run on them. Use @AutoConfigureTestDatabase(replace"
						+ " = ANY) for a DataSource of the application's own, or declare it outside the test's profile.");
			}
		}

	}

}
