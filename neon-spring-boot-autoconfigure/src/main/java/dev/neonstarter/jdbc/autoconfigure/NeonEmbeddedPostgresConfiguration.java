package dev.neonstarter.jdbc.autoconfigure;

import java.io.IOException;

import dev.neonstarter.connection.NeonConnectionString;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

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
	NeonEmbeddedDatabase neonEmbeddedDatabase(Environment environment) throws IOException {
		boolean shared = environment.getProperty("neon.embedded.replace", Boolean.class, false)
				&& environment.getProperty("neon.embedded.shared", Boolean.class, true);
		return shared ? NeonEmbeddedDatabase.onSharedServer() : NeonEmbeddedDatabase.onOwnServer();
	}

	/** The server, for tests that look into it; stopped with its database's bean, if it is this context's own. */
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	EmbeddedPostgres neonEmbeddedPostgres(NeonEmbeddedDatabase database) {
		return database.server();
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
