package dev.neonstarter.jdbc.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.pool.NeonPools;
import dev.neonstarter.query.QueryListener;
import dev.neonstarter.ssl.NeonTlsVerifier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.LazyInitializationExcludeFilter;
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
import org.springframework.boot.liquibase.autoconfigure.LiquibaseDataSource;
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
 * {@code neonDirectDataSource} (direct endpoint, used by Flyway and Liquibase through {@link FlywayDataSource}
 * and {@link LiquibaseDataSource}, not a default autowire candidate); with {@code neon.read-replica.url}, also
 * the replica pool and a routing primary DataSource ({@link NeonReadReplicaConfiguration}). Runs before Spring Boot's DataSource
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
public final class NeonDataSourceAutoConfiguration {

	/** Prefix of the pooled pool's HikariCP settings. */
	static final String POOLED_HIKARI = "neon.pooled.hikari";

	/** Prefix of the direct pool's HikariCP settings. */
	static final String DIRECT_HIKARI = "neon.direct.hikari";

	/** Prefix of the read replica pool's HikariCP settings. */
	static final String REPLICA_HIKARI = "neon.read-replica.hikari";

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
	NeonEndpoints neonEndpoints(NeonConnectionDetails connectionDetails, NeonProperties properties) {
		return new NeonEndpoints(connectionDetails, properties);
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

	/**
	 * Keeps the pools eager under {@code spring.main.lazy-initialization}: created on first use, their startup
	 * checks (TLS proof, pool limits) would run on the thread of the first request, which waits for them, and a
	 * failing check would fail every request instead of startup.
	 */
	@Bean
	static LazyInitializationExcludeFilter eagerNeonDataSources() {
		return LazyInitializationExcludeFilter.forBeanTypes(NeonHikariDataSource.class, NeonDataSources.class);
	}

	@Bean(name = NeonDataSources.POOLED_BEAN_NAME)
	@Primary
	@ConfigurationProperties(POOLED_HIKARI)
	@Conditional(NoReadReplicaCondition.class)
	NeonHikariDataSource neonPooledDataSource(NeonEndpoints endpoints, NeonProperties properties) {
		return pooled(endpoints, properties);
	}

	@Bean(name = NeonDataSources.DIRECT_BEAN_NAME, defaultCandidate = false)
	@FlywayDataSource
	@LiquibaseDataSource
	@ConfigurationProperties(DIRECT_HIKARI)
	NeonHikariDataSource neonDirectDataSource(NeonEndpoints endpoints, NeonProperties properties) {
		return configure(NeonPools.direct(endpoints.direct()), properties);
	}

	/**
	 * The pools themselves, for the starter's health, metrics, resilience and routing: the beans may be wrappers
	 * by then (OpenTelemetry's and other JDBC instrumentation wrap every DataSource bean), which the application
	 * uses, so that its statements are instrumented, while the starter reaches the pools through them.
	 */
	@Bean
	NeonDataSources neonDataSources(@Qualifier(NeonDataSources.POOLED_BEAN_NAME) DataSource pooled,
			@Qualifier(NeonDataSources.DIRECT_BEAN_NAME) DataSource direct,
			@Qualifier(NeonDataSources.REPLICA_BEAN_NAME) ObjectProvider<DataSource> replica) {
		DataSource replicaBean = replica.getIfAvailable();
		return new NeonDataSources(NeonPoolBeans.require(pooled, NeonDataSources.POOLED_BEAN_NAME),
				NeonPoolBeans.require(direct, NeonDataSources.DIRECT_BEAN_NAME),
				(replicaBean != null) ? NeonPoolBeans.require(replicaBean, NeonDataSources.REPLICA_BEAN_NAME) : null);
	}

	static NeonHikariDataSource pooled(NeonEndpoints endpoints, NeonProperties properties) {
		return configure(NeonPools.pooled(endpoints.pooled()), properties);
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

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "liquibase.integration.spring.SpringLiquibase")
	static class NeonLiquibaseCheckConfiguration {

		@Bean
		static NeonLiquibaseCheck neonLiquibaseCheck(Environment environment) {
			return new NeonLiquibaseCheck(environment);
		}

	}

	/** Applies {@code neon.monitor.*} and {@code neon.slow-query-threshold}. */
	static NeonHikariDataSource configure(NeonHikariDataSource dataSource, NeonProperties properties) {
		dataSource.monitor().configure(properties.getMonitor().toSettings());
		if (properties.getSlowQueryThreshold() != null) {
			dataSource.queries().addListener(QueryListener.slowQueryLog(properties.getSlowQueryThreshold()));
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
