package dev.neonstarter.jdbc.autoconfigure;

import java.io.IOException;

import dev.neonstarter.connection.NeonConnectionString;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Starts an embedded PostgreSQL when {@code neon.embedded.enabled=true} and no connection string is
 * configured, so a sample or a new project runs with no setup; or, whatever is configured, when
 * {@code neon.embedded.replace=true}, so a test never reaches a real database (then on one server the JVM's
 * contexts share, a database each: {@link NeonEmbeddedDatabase}). Both DataSources point at it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(EmbeddedPostgres.class)
@Conditional(NeonEmbeddedPostgresConfiguration.EmbeddedCondition.class)
class NeonEmbeddedPostgresConfiguration {

	/**
	 * The database both pools use: with {@code neon.embedded.replace} (tests) and {@code neon.embedded.shared}, a
	 * database of its own on the JVM's shared server; otherwise a server of its own.
	 */
	@Bean(destroyMethod = "close")
	NeonEmbeddedDatabase neonEmbeddedDatabase(NeonProperties properties) throws IOException {
		NeonProperties.Embedded embedded = properties.getEmbedded();
		return (embedded.isReplace() && embedded.isShared()) ? NeonEmbeddedDatabase.onSharedServer()
				: NeonEmbeddedDatabase.onOwnServer();
	}

	/** The server, for tests that look into it; stopped with its database's bean, if it is this context's own. */
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	EmbeddedPostgres neonEmbeddedPostgres(NeonEmbeddedDatabase database) {
		return database.server();
	}

	/**
	 * Spring's training run for the JDK's AOT cache or class data sharing ({@code -Dspring.context.exit=onRefresh})
	 * halts the JVM once the beans exist: the context is not closed and no shutdown hook runs, so the server would
	 * outlive the run, a PostgreSQL process and its data directory per training run. Then a bean registered after
	 * all others stops it once every bean has been created, just before the halt.
	 */
	@Bean
	static BeanDefinitionRegistryPostProcessor neonEmbeddedPostgresExitOnRefresh() {
		return new ExitOnRefresh();
	}

	/** Primary: with {@code neon.embedded.replace=true} it wins over a service connection's details. */
	@Bean
	@Primary
	NeonConnectionDetails neonEmbeddedConnectionDetails(NeonEmbeddedDatabase database) {
		return new EmbeddedConnectionDetails(database.server().getPort(), database.name());
	}

	static final class EmbeddedConnectionDetails implements NeonConnectionDetails {

		private final NeonConnectionString connection;

		EmbeddedConnectionDetails(int port, String database) {
			this.connection = NeonConnectionString.parse("postgresql://postgres@localhost:" + port + "/" + database)
				.withParameter("sslmode", "disable");
		}

		@Override
		public NeonConnectionString getPooled() {
			return this.connection;
		}

		@Override
		public NeonConnectionString getDirect() {
			return this.connection;
		}

		@Override
		public boolean isSslConfiguredByProperties() {
			return false;
		}

		@Override
		public String toString() {
			return "embedded PostgreSQL " + this.connection;
		}

	}

	/**
	 * Registers {@link StopBeforeHalt} with {@code spring.context.exit=onRefresh} (whether the context's lifecycle
	 * processor will halt is for it to see, once the beans exist): registered once the configuration classes are,
	 * it comes after their beans, so their {@code afterSingletonsInstantiated} run first.
	 */
	static final class ExitOnRefresh implements BeanDefinitionRegistryPostProcessor {

		@Override
		public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
			if (DefaultLifecycleProcessor.ON_REFRESH_VALUE
				.equalsIgnoreCase(SpringProperties.getProperty(DefaultLifecycleProcessor.EXIT_PROPERTY_NAME))) {
				registry.registerBeanDefinition("neonEmbeddedPostgresStopBeforeHalt",
						new RootBeanDefinition(StopBeforeHalt.class, StopBeforeHalt::new));
			}
		}

	}

	/**
	 * Stops the embedded PostgreSQL once every bean exists, when the JVM is about to halt: when the context's
	 * lifecycle processor is Spring's {@link DefaultLifecycleProcessor}, which halts on
	 * {@code spring.context.exit=onRefresh}. That is the one Spring Boot defines ({@code LifecycleAutoConfiguration},
	 * in every application), or the one the context makes when none is defined; not a lifecycle processor of the
	 * application's own, which need not halt.
	 */
	static final class StopBeforeHalt implements SmartInitializingSingleton, BeanFactoryAware {

		private @Nullable BeanFactory beanFactory;

		@Override
		public void setBeanFactory(BeanFactory beanFactory) {
			this.beanFactory = beanFactory;
		}

		@Override
		public void afterSingletonsInstantiated() {
			BeanFactory beanFactory = this.beanFactory;
			if (beanFactory != null && halts(beanFactory)) {
				beanFactory.getBean(NeonEmbeddedDatabase.class).stopBeforeHalt();
			}
		}

		private static boolean halts(BeanFactory beanFactory) {
			String name = AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME;
			return !beanFactory.containsBean(name) || beanFactory.getBean(name) instanceof DefaultLifecycleProcessor;
		}

	}

	/**
	 * {@code neon.embedded.replace=true}; or {@code neon.embedded.enabled=true} with no connection string
	 * ({@code neon.url}, {@code DATABASE_URL}, a Neon {@code spring.datasource.url}) and no service connection
	 * (ours or Spring Boot's JDBC one, e.g. Docker Compose), which replace the embedded database.
	 */
	static class EmbeddedCondition extends AnyNestedCondition {

		EmbeddedCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBooleanProperty("neon.embedded.replace")
		static class Replace {

		}

		@ConditionalOnBooleanProperty("neon.embedded.enabled")
		@Conditional(NoConnectionStringCondition.class)
		@ConditionalOnMissingBean(type = { "dev.neonstarter.jdbc.autoconfigure.NeonConnectionDetails",
				"org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails" })
		static class EnabledWithoutConnection {

		}

	}

	static class NoConnectionStringCondition implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Environment environment = context.getEnvironment();
			String dataSourceUrl = PropertiesNeonConnectionDetails.dataSourceUrl(environment);
			return !PropertiesNeonConnectionDetails.isConfigured(environment)
					&& (dataSourceUrl == null || !PropertiesNeonConnectionDetails.isNeonUrl(dataSourceUrl));
		}

	}

}
