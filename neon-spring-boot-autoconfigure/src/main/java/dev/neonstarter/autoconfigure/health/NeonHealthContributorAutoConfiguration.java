package dev.neonstarter.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import dev.neonstarter.autoconfigure.NeonProperties;
import dev.neonstarter.autoconfigure.jdbc.NeonDataSourceAutoConfiguration;
import dev.neonstarter.autoconfigure.jdbc.NeonHikariDataSource;
import dev.neonstarter.autoconfigure.jdbc.NeonReplicaFallbacks;
import dev.neonstarter.autoconfigure.ssl.NeonTlsVerifier;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The {@code neon} health contributor, with components {@code pooled}, {@code direct} and, with a read
 * replica, {@code replica}, in place of Spring Boot's {@code db} indicator for the Neon DataSources; and
 * {@code neon} in the readiness group.
 */
@AutoConfiguration(after = { NeonDataSourceAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class,
		AvailabilityProbesAutoConfiguration.class })
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(name = NeonDataSourceAutoConfiguration.POOLED_DATA_SOURCE)
@ConditionalOnEnabledHealthIndicator("neon")
public class NeonHealthContributorAutoConfiguration {

	/** The contributor's name under /actuator/health. */
	public static final String CONTRIBUTOR_NAME = "neon";

	@Bean
	CompositeHealthContributor neonHealthContributor(
			@Qualifier(NeonDataSourceAutoConfiguration.POOLED_DATA_SOURCE) NeonHikariDataSource pooled,
			@Qualifier(NeonDataSourceAutoConfiguration.DIRECT_DATA_SOURCE) NeonHikariDataSource direct,
			@Qualifier(NeonDataSourceAutoConfiguration.REPLICA_DATA_SOURCE)
			ObjectProvider<NeonHikariDataSource> replica,
			ObjectProvider<NeonReplicaFallbacks> fallbacks, NeonProperties properties, NeonTlsVerifier tlsVerifier) {
		Map<String, HealthContributor> components = new LinkedHashMap<>();
		components.put("pooled", new NeonPoolHealthIndicator(pooled, properties.getHealth(), tlsVerifier));
		components.put("direct", new NeonPoolHealthIndicator(direct, properties.getHealth(), tlsVerifier));
		replica.ifAvailable((pool) -> components.put("replica", new NeonReplicaHealthIndicator(
				new NeonPoolHealthIndicator(pool, properties.getHealth(), tlsVerifier), fallbacks.getObject())));
		return CompositeHealthContributor.fromMap(components);
	}

	/**
	 * Removes Spring Boot's {@code db} contributor when the Neon pools are the only DataSources: {@code neon}
	 * reports on them with a timeout and without waking the compute, and two indicators for one database
	 * would disagree.
	 */
	@Bean
	static SmartInitializingSingleton neonReplacesDbHealthContributor(ListableBeanFactory beanFactory,
			ObjectProvider<HealthContributorRegistry> registry) {
		return () -> {
			Set<String> dataSources = Set.of(beanFactory.getBeanNamesForType(DataSource.class, false, false));
			Set<String> neon = Set.of(NeonDataSourceAutoConfiguration.POOLED_DATA_SOURCE,
					NeonDataSourceAutoConfiguration.DIRECT_DATA_SOURCE,
					NeonDataSourceAutoConfiguration.REPLICA_DATA_SOURCE,
					NeonDataSourceAutoConfiguration.ROUTING_DATA_SOURCE);
			if (neon.containsAll(dataSources)) {
				registry.ifAvailable((contributors) -> {
					if (contributors.getContributor("db") != null) {
						contributors.unregisterContributor("db");
					}
				});
			}
		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthEndpointGroupsPostProcessor.class)
	@ConditionalOnBooleanProperty(name = "neon.health.readiness", matchIfMissing = true)
	static class ReadinessConfiguration {

		@Bean
		static NeonReadinessGroupPostProcessor neonReadinessGroupPostProcessor(Environment environment) {
			// An application that lists the readiness group's members itself keeps exactly that list.
			boolean configured = environment.containsProperty("management.endpoint.health.group.readiness.include");
			return new NeonReadinessGroupPostProcessor(configured ? null : CONTRIBUTOR_NAME);
		}

	}

}
