package dev.neonstarter.health.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import javax.sql.DataSource;

import dev.neonstarter.health.NeonPoolHealthIndicator;
import dev.neonstarter.health.NeonReplicaHealthIndicator;
import dev.neonstarter.jdbc.autoconfigure.NeonDataSourceAutoConfiguration;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.replica.NeonReplicaFallbacks;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
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
@ConditionalOnBean(NeonDataSources.class)
@ConditionalOnEnabledHealthIndicator("neon")
@Conditional(NeonHealthContributorAutoConfiguration.DbHealthNotTurnedOff.class)
@EnableConfigurationProperties(NeonHealthProperties.class)
public final class NeonHealthContributorAutoConfiguration {

	/** The contributor's name under /actuator/health. */
	public static final String CONTRIBUTOR_NAME = "neon";

	/** Spring Boot's DataSource contributor, which {@code neon} replaces. */
	private static final String DB = "db";

	@Bean
	CompositeHealthContributor neonHealthContributor(NeonDataSources pools,
			ObjectProvider<NeonReplicaFallbacks> fallbacks, NeonHealthProperties properties) {
		NeonPoolHealthIndicator.Settings settings = properties.toSettings();
		Map<String, HealthContributor> components = new LinkedHashMap<>();
		components.put("pooled", new NeonPoolHealthIndicator(pools.pooled(), settings));
		components.put("direct", new NeonPoolHealthIndicator(pools.direct(), settings));
		NeonHikariDataSource replica = pools.replica();
		if (replica != null) {
			components.put("replica", new NeonReplicaHealthIndicator(new NeonPoolHealthIndicator(replica, settings),
					fallbacks.getObject()));
		}
		return CompositeHealthContributor.fromMap(components);
	}

	/**
	 * Replaces Spring Boot's {@code db} contributor when the Neon pools are the only DataSources: {@code neon}
	 * reports on them with a timeout and without waking the compute, and two indicators for one database
	 * would disagree. A health group configured with {@code db} as a member (a readiness group written before the
	 * starter, say) keeps a {@code db}: the {@code neon} contributor under that name too, so the group still checks
	 * the database and Spring Boot's check of group members still finds it.
	 */
	@Bean
	static SmartInitializingSingleton neonReplacesDbHealthContributor(ListableBeanFactory beanFactory,
			ObjectProvider<HealthContributorRegistry> registry, Environment environment) {
		return () -> {
			Set<String> dataSources = Set.of(beanFactory.getBeanNamesForType(DataSource.class, false, false));
			Set<String> neon = Set.of(NeonDataSources.POOLED_BEAN_NAME,
					NeonDataSources.DIRECT_BEAN_NAME,
					NeonDataSources.REPLICA_BEAN_NAME,
					NeonDataSources.ROUTING_BEAN_NAME);
			if (neon.containsAll(dataSources)) {
				registry.ifAvailable((contributors) -> {
					if (contributors.getContributor(DB) != null) {
						contributors.unregisterContributor(DB);
						if (groupsNameDb(environment)) {
							contributors.registerContributor(DB,
									beanFactory.getBean("neonHealthContributor", HealthContributor.class));
						}
					}
				});
			}
			else {
				registry.ifAvailable((contributors) -> withoutNeonPools(contributors, neon));
			}
		};
	}

	/**
	 * With DataSources of the application's own, Spring Boot's {@code db} keeps reporting on those, but no longer
	 * on the Neon pools among them: its check borrows a connection and validates it on every probe, which would
	 * keep a Neon compute from ever suspending, and {@code neon} reports on them already.
	 */
	private static void withoutNeonPools(HealthContributorRegistry contributors, Set<String> neon) {
		if (!(contributors.getContributor(DB) instanceof CompositeHealthContributor db)) {
			return;
		}
		Map<String, HealthContributor> others = new LinkedHashMap<>();
		db.stream()
			.filter((entry) -> !neon.contains(entry.name()))
			.forEach((entry) -> others.put(entry.name(), entry.contributor()));
		if (others.size() < db.stream().count()) {
			contributors.unregisterContributor(DB);
			if (!others.isEmpty()) {
				contributors.registerContributor(DB, CompositeHealthContributor.fromMap(others));
			}
		}
	}

	/** Whether a {@code management.endpoint.health.group.*.include} or {@code exclude} names {@code db}. */
	static boolean groupsNameDb(Environment environment) {
		Map<String, GroupMembers> groups = Binder.get(environment)
			.bind("management.endpoint.health.group", Bindable.mapOf(String.class, GroupMembers.class))
			.orElse(Map.of());
		return groups.values()
			.stream()
			.flatMap((group) -> Stream.concat(group.include().stream(), group.exclude().stream()))
			.anyMatch((member) -> member.equals(DB) || member.startsWith(DB + "/"));
	}

	/** The members a health group's configuration names (its other settings are not read here). */
	record GroupMembers(@DefaultValue Set<String> include, @DefaultValue Set<String> exclude) {

	}

	/**
	 * Spring Boot's {@code management.health.db.enabled=false} (a database outage must not change the
	 * application's health) turns {@code neon} off too, unless {@code management.health.neon.enabled=true}.
	 */
	static final class DbHealthNotTurnedOff extends AnyNestedCondition {

		DbHealthNotTurnedOff() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnBooleanProperty(name = "management.health.db.enabled", matchIfMissing = true)
		static final class DbHealthOn {

		}

		@ConditionalOnBooleanProperty(name = "management.health.neon.enabled")
		static final class NeonHealthOn {

		}

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
