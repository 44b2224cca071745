package dev.neonstarter.jdbc.autoconfigure;

import java.util.Map;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flyway's own {@code spring.flyway.user}/{@code password} (a migration role), which Spring Boot ignores once the
 * starter's direct pool is the {@code @FlywayDataSource}: the migration runs as that role on the direct endpoint,
 * with the direct pool's TLS, while the pool keeps the application's role. Liquibase's are tested in
 * {@code liquibase-app-tests}.
 */
@RequiresPgBouncer
class NeonMigrationDataSourceIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	@Test
	void flywayMigratesOnTheDirectEndpointAsSpringFlywayUser() {
		String database = this.topology.createDatabase();
		NeonTopologyContexts.runner(this.topology, database)
			.withPropertyValues("spring.flyway.enabled=true", "spring.flyway.locations=classpath:db/it-migration-origin",
					"spring.flyway.user=" + NeonTestTopology.MIGRATOR,
					"spring.flyway.password=" + NeonTestTopology.MIGRATOR_PASSWORD)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				NeonHikariDataSource direct = context.getBean(NeonDataSources.DIRECT_BEAN_NAME,
						NeonHikariDataSource.class);
				assertThat(direct.getUsername()).isEqualTo(NeonTestTopology.APP_USER);
				assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource()).isNotSameAs(direct);
				assertThat(origin(database)).containsEntry("role_name", NeonTestTopology.MIGRATOR)
					.containsEntry("application_name", "neon-direct")
					.containsEntry("tls", true);
			});
	}

	@Test
	void flywayUserOfThePoolItselfLeavesFlywayOnThePool() {
		String database = this.topology.createDatabase();
		NeonTopologyContexts.runner(this.topology, database)
			.withPropertyValues("spring.flyway.enabled=true", "spring.flyway.locations=classpath:db/it-migration-origin",
					"neon.direct.username=" + NeonTestTopology.MIGRATOR,
					"neon.direct.password=" + NeonTestTopology.MIGRATOR_PASSWORD,
					"spring.flyway.user=" + NeonTestTopology.MIGRATOR)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource())
					.isSameAs(context.getBean(NeonDataSources.DIRECT_BEAN_NAME));
				assertThat(origin(database)).containsEntry("role_name", NeonTestTopology.MIGRATOR);
			});
	}

	private Map<String, Object> origin(String database) {
		return JdbcClient.create(this.topology.postgres().adminDataSource(database))
			.sql("SELECT role_name, application_name, tls FROM migration_origin")
			.query()
			.singleRow();
	}

}
