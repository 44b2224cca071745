package dev.neonstarter.health.autoconfigure;

import dev.neonstarter.jdbc.autoconfigure.NeonTopologyContexts;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health configuration an application had before the starter: groups that name Spring Boot's {@code db}
 * contributor, and {@code management.health.db.enabled=false}.
 */
@RequiresPgBouncer
class NeonHealthGroupsIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private ApplicationContextRunner runner() {
		return NeonTopologyContexts.runner(this.topology, this.topology.createDatabase())
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class,
					HealthEndpointAutoConfiguration.class, NeonHealthContributorAutoConfiguration.class));
	}

	@Test
	void aGroupThatNamesDbStartsAndChecksTheNeonPools() {
		runner().withPropertyValues("management.endpoint.health.group.database.include=db").run((context) -> {
			assertThat(context).hasNotFailed();
			HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
			assertThat(registry.getContributor("db")).isSameAs(registry.getContributor("neon"));
			assertThat(context.getBean(HealthEndpointGroups.class).get("database").isMember("db")).isTrue();
		});
	}

	@Test
	void withoutSuchAGroupDbIsReplaced() {
		runner().run((context) -> {
			HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
			assertThat(registry.getContributor("db")).isNull();
			assertThat(registry.getContributor("neon")).isNotNull();
		});
	}

	@Test
	void dbHealthTurnedOffTurnsNeonOffUnlessNeonIsTurnedOn() {
		runner().withPropertyValues("management.health.db.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("neon")).isNull();
		});
		runner().withPropertyValues("management.health.db.enabled=false", "management.health.neon.enabled=true")
			.run((context) -> assertThat(context.getBean(HealthContributorRegistry.class).getContributor("neon"))
				.isNotNull());
	}

}
