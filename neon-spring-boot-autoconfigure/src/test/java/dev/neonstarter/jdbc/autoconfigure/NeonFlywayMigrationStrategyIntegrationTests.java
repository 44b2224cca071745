package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no migrations, Flyway does not run, so it creates no empty {@code flyway_schema_history} that would later
 * defeat its baseline check; with migrations, it migrates as before.
 */
@RequiresPgBouncer
@ExtendWith(OutputCaptureExtension.class)
class NeonFlywayMigrationStrategyIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	@Test
	void noMigrationsNoHistoryTable(CapturedOutput output) {
		String database = this.topology.createDatabase();
		NeonTopologyContexts.runner(this.topology, database)
			.withPropertyValues("spring.flyway.enabled=true", "spring.flyway.locations=classpath:db/none-here")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(historyTables(database)).isZero();
			});
		assertThat(output).contains("No Flyway migrations in classpath:db/none-here: Flyway is not run, and no"
				+ " flyway_schema_history table is created");
	}

	@Test
	void migrationsRunAsBefore() {
		String database = this.topology.createDatabase();
		NeonTopologyContexts.runner(this.topology, database)
			.withPropertyValues("spring.flyway.enabled=true", "spring.flyway.locations=classpath:db/it-migration")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(historyTables(database)).isOne();
			});
	}

	private long historyTables(String database) {
		return JdbcClient.create(this.topology.postgres().adminDataSource(database))
			.sql("SELECT count(*) FROM pg_tables WHERE tablename = 'flyway_schema_history'")
			.query(Long.class)
			.single();
	}

}
