package dev.neonstarter.autoconfigure.jdbc;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.autoconfigure.NeonProperties;
import dev.neonstarter.autoconfigure.connection.NeonConnectionDetails;
import dev.neonstarter.autoconfigure.connection.PropertiesNeonConnectionDetails;
import dev.neonstarter.autoconfigure.embedded.NeonEmbeddedPostgresConfiguration;
import dev.neonstarter.autoconfigure.ssl.NeonTlsVerifier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayDataSource;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternUtils;

/**
 * The Neon DataSources: {@code neonPooledDataSource} (primary, on the {@code -pooler} endpoint) and
 * {@code neonDirectDataSource} (direct endpoint, used by Flyway through {@link FlywayDataSource}, not a
 * default autowire candidate); with {@code neon.read-replica.url}, also the replica pool and a routing
 * primary DataSource ({@link NeonReadReplicaConfiguration}). Runs before Spring Boot's DataSource
 * auto-configuration so that it backs off, and backs off itself when the application defines a
 * {@link DataSource} or has said it wants another one ({@link OnNeonDataSourceCondition}).
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({ HikariDataSource.class, org.postgresql.Driver.class })
@ConditionalOnMissingBean(DataSource.class)
@ConditionalOnBooleanProperty(name = "neon.enabled", matchIfMissing = true)
@Conditional(OnNeonDataSourceCondition.class)
@EnableConfigurationProperties(NeonProperties.class)
@Import({ NeonEmbeddedPostgresConfiguration.class, NeonReadReplicaConfiguration.class })
public class NeonDataSourceAutoConfiguration {

	/** Bean name of the pooled (primary) DataSource. */
	public static final String POOLED_DATA_SOURCE = "neonPooledDataSource";

	/** Bean name of the direct DataSource. */
	public static final String DIRECT_DATA_SOURCE = "neonDirectDataSource";

	/** Bean name of the read replica's pool, present when {@value #READ_REPLICA_URL} is set. */
	public static final String REPLICA_DATA_SOURCE = "neonReplicaDataSource";

	/**
	 * Bean name of the primary DataSource that routes read-only transactions to the replica and everything
	 * else to the pooled pool, present instead of a primary pooled pool when {@value #READ_REPLICA_URL} is set.
	 */
	public static final String ROUTING_DATA_SOURCE = "dataSource";

	/** The property that configures a read replica. */
	public static final String READ_REPLICA_URL = "neon.read-replica.url";

	/** Prefix of the pooled pool's HikariCP settings. */
	static final String POOLED_HIKARI = "neon.pooled.hikari";

	private static final Log logger = LogFactory.getLog(NeonDataSourceAutoConfiguration.class);

	/**
	 * Connection details come first, properties last: a {@link NeonConnectionDetails} bean (a
	 * {@code @ServiceConnection} container, a test's bean) makes this one back off; Spring Boot's
	 * {@link JdbcConnectionDetails} (Docker Compose, Boot's own service connections) is used next.
	 */
	@Bean
	@ConditionalOnMissingBean(NeonConnectionDetails.class)
	NeonConnectionDetails neonConnectionDetails(NeonProperties properties, Environment environment,
			ObjectProvider<JdbcConnectionDetails> jdbcConnectionDetails) {
		JdbcConnectionDetails jdbc = jdbcConnectionDetails.getIfUnique();
		if (jdbc != null) {
			logger.info("Neon DataSources use " + jdbc.getClass().getName() + " (a JdbcConnectionDetails bean);"
					+ " neon.url and DATABASE_URL are not read");
			return new JdbcAdaptingNeonConnectionDetails(jdbc);
		}
		return new PropertiesNeonConnectionDetails(properties, environment);
	}

	@Bean
	NeonDataSourceConnections neonDataSourceConnections(NeonConnectionDetails connectionDetails,
			NeonProperties properties) {
		return new NeonDataSourceConnections(connectionDetails, properties);
	}

	@Bean
	@ConditionalOnMissingBean
	NeonTlsVerifier neonTlsVerifier() {
		return new NeonTlsVerifier();
	}

	@Bean
	static NeonStartupChecks neonStartupChecks(BeanFactory beanFactory) {
		return new NeonStartupChecks(beanFactory);
	}

	@Bean(name = POOLED_DATA_SOURCE)
	@Primary
	@ConfigurationProperties(POOLED_HIKARI)
	@Conditional(NoReadReplicaCondition.class)
	NeonHikariDataSource neonPooledDataSource(NeonDataSourceConnections connections, NeonProperties properties) {
		return pooled(connections, properties);
	}

	@Bean(name = DIRECT_DATA_SOURCE, defaultCandidate = false)
	@FlywayDataSource
	@ConfigurationProperties("neon.direct.hikari")
	NeonHikariDataSource neonDirectDataSource(NeonDataSourceConnections connections, NeonProperties properties) {
		logger.info("Neon direct DataSource '" + NeonPools.DIRECT + "': " + connections.direct());
		return withSlowQueryLog(
				NeonPools.create(connections.direct(), NeonPools.DIRECT, NeonPools.DIRECT_MAXIMUM_POOL_SIZE),
				properties);
	}

	static NeonHikariDataSource pooled(NeonDataSourceConnections connections, NeonProperties properties) {
		logger.info("Neon pooled DataSource '" + NeonPools.POOLED + "': " + connections.pooled());
		return withSlowQueryLog(
				NeonPools.create(connections.pooled(), NeonPools.POOLED, NeonPools.POOLED_MAXIMUM_POOL_SIZE),
				properties);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer")
	static class NeonFlywayCheckConfiguration {

		@Bean
		NeonFlywayCheck neonFlywayCheck(Environment environment) {
			return new NeonFlywayCheck(environment);
		}

		@Bean
		@ConditionalOnMissingBean(FlywayMigrationStrategy.class)
		NeonFlywayMigrationStrategy neonFlywayMigrationStrategy(ResourceLoader resourceLoader) {
			return new NeonFlywayMigrationStrategy(ResourcePatternUtils.getResourcePatternResolver(resourceLoader));
		}

	}

	static NeonHikariDataSource withSlowQueryLog(NeonHikariDataSource dataSource, NeonProperties properties) {
		dataSource.monitor().configure(properties.getMonitor());
		if (properties.getSlowQueryThreshold() != null) {
			dataSource.addQueryListener(new SlowQueryLog(properties.getSlowQueryThreshold()));
		}
		return dataSource;
	}

	/**
	 * The pooled pool is the primary DataSource unless a read replica is configured; then the routing
	 * DataSource is ({@link NeonReadReplicaConfiguration}). Decided when the bean is registered, so that
	 * Spring Boot's {@code @ConditionalOnSingleCandidate(DataSource.class)} sees one primary either way.
	 */
	static class NoReadReplicaCondition extends NoneNestedConditions {

		NoReadReplicaCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@Conditional(OnReadReplicaCondition.class)
		static class ReadReplicaConfigured {

		}

	}

}
