package dev.neonstarter.health.autoconfigure;

import javax.sql.DataSource;

import dev.neonstarter.jdbc.autoconfigure.NeonDataSourceAutoConfiguration;
import dev.neonstarter.jdbc.autoconfigure.NeonTopologyContexts;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

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
	void withAnotherDataSourceDbChecksItAloneNotTheNeonPools() {
		// A DataSource the starter did not back off for: registered by an auto-configuration after its own.
		runner().withConfiguration(AutoConfigurations.of(LateDataSourceConfiguration.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
			assertThat(registry.getContributor("db"))
				.isInstanceOfSatisfying(CompositeHealthContributor.class,
						(db) -> assertThat(db.stream().map((entry) -> entry.name())).containsExactly("reportingDataSource"));
			assertThat(registry.getContributor("neon")).isNotNull();
		});
	}

	@AutoConfiguration(after = NeonDataSourceAutoConfiguration.class)
	static class LateDataSourceConfiguration {

		@Bean
		DataSource reportingDataSource() {
			// Never connected to here: the health is not asked.
			return new SimpleDriverDataSource(new Driver(),
					"jdbc:postgresql://localhost:1/reporting");
		}

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
