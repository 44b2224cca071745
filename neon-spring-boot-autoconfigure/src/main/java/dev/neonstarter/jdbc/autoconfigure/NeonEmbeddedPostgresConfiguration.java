package dev.neonstarter.jdbc.autoconfigure;

import java.io.IOException;

import dev.neonstarter.connection.NeonConnectionString;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Starts an embedded PostgreSQL when {@code neon.embedded.enabled=true} and no connection string is
 * configured, so a sample or a new project runs with no setup; or, whatever is configured, when
 * {@code neon.embedded.replace=true}, so a test never reaches a real database. Both DataSources point at it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(EmbeddedPostgres.class)
@Conditional(NeonEmbeddedPostgresConfiguration.EmbeddedCondition.class)
class NeonEmbeddedPostgresConfiguration {

	private static final Log logger = LogFactory.getLog(NeonEmbeddedPostgresConfiguration.class);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EmbeddedPostgres neonEmbeddedPostgres() throws IOException {
		// start() registers a shutdown hook that close() leaves registered until the JVM exits, and the hook's
		// thread takes this thread's context class loader: the application's, under DevTools a restart's, kept
		// for good by every context that started one. It gets the loader of EmbeddedPostgres instead.
		Thread thread = Thread.currentThread();
		ClassLoader contextClassLoader = thread.getContextClassLoader();
		EmbeddedPostgres postgres;
		thread.setContextClassLoader(EmbeddedPostgres.class.getClassLoader());
		try {
			postgres = EmbeddedPostgres.builder()
				// Neon's defaults that matter to applications: UTC and UTF-8.
				.setServerConfig("timezone", "UTC")
				.start();
		}
		finally {
			thread.setContextClassLoader(contextClassLoader);
		}
		logger.info("Started an embedded PostgreSQL on localhost:" + postgres.getPort() + " for both Neon"
				+ " DataSources (data is deleted at shutdown)");
		return postgres;
	}

	/** Primary: with {@code neon.embedded.replace=true} it wins over a service connection's details. */
	@Bean
	@Primary
	NeonConnectionDetails neonEmbeddedConnectionDetails(EmbeddedPostgres postgres) {
		return new EmbeddedConnectionDetails(postgres.getPort());
	}

	static final class EmbeddedConnectionDetails implements NeonConnectionDetails {

		private final NeonConnectionString connection;

		EmbeddedConnectionDetails(int port) {
			this.connection = NeonConnectionString.parse("postgresql://postgres@localhost:" + port + "/postgres")
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
