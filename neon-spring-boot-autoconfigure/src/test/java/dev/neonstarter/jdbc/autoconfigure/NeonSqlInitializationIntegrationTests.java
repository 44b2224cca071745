package dev.neonstarter.jdbc.autoconfigure;

import java.util.Map;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.ApplicationDataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.sql.autoconfigure.init.ApplicationScriptDatabaseInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code spring.sql.init} scripts run on the direct endpoint, not through PgBouncer: the script records the
 * {@code application_name} of the session that runs it, which each pool sets to its name.
 */
@RequiresPgBouncer
class NeonSqlInitializationIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	@Test
	void schemaScriptsRunOnTheDirectEndpoint() {
		String database = this.topology.createDatabase();
		runner(database).withPropertyValues("spring.sql.init.schema-locations=classpath:neon-sql-init/schema.sql")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(ApplicationScriptDatabaseInitializer.class);
				assertThat(context.getBean(ApplicationScriptDatabaseInitializer.class))
					.isInstanceOf(ApplicationDataSourceScriptDatabaseInitializer.class);
				Map<String, Object> seen = JdbcClient.create(this.topology.postgres().adminDataSource(database))
					.sql("SELECT application_name, server_port FROM sql_init_seen")
					.query()
					.singleRow();
				assertThat(seen).containsEntry("application_name", "neon-direct")
					.containsEntry("server_port", this.topology.postgres().port());
			});
	}

	@Test
	void scriptsOfAUserOfTheirOwnRunOnTheDirectEndpointWithItsSettings() {
		String database = this.topology.createDatabase();
		runner(database)
			.withPropertyValues("spring.sql.init.schema-locations=classpath:neon-sql-init/schema.sql",
					"spring.sql.init.username=" + NeonTestTopology.MIGRATOR,
					"spring.sql.init.password=" + NeonTestTopology.MIGRATOR_PASSWORD)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// The direct pool's driver properties (verify-full against its root certificate, its application
				// name) apply to the scripts' own user too: the URL alone would connect at pgjdbc's sslmode=prefer.
				Map<String, Object> seen = JdbcClient.create(this.topology.postgres().adminDataSource(database))
					.sql("SELECT application_name, server_port, role_name, tls FROM sql_init_seen")
					.query()
					.singleRow();
				assertThat(seen).containsEntry("application_name", "neon-direct")
					.containsEntry("server_port", this.topology.postgres().port())
					.containsEntry("role_name", NeonTestTopology.MIGRATOR)
					.containsEntry("tls", true);
				assertThat(context.getBean(NeonDataSources.DIRECT_BEAN_NAME, NeonHikariDataSource.class).getUsername())
					.isEqualTo(NeonTestTopology.APP_USER);
			});
	}

	@Test
	void withoutScriptsNothingConnects() {
		String database = this.topology.createDatabase();
		runner(database).withPropertyValues("neon.ssl.verify-on-startup=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				NeonHikariDataSource direct = context.getBean(NeonDataSources.DIRECT_BEAN_NAME,
						NeonHikariDataSource.class);
				assertThat(direct.activity().lastSuccess()).isNull();
			});
	}

	private ApplicationContextRunner runner(String database) {
		return NeonTopologyContexts.runner(this.topology, database)
			.withConfiguration(AutoConfigurations.of(NeonSqlInitializationAutoConfiguration.class,
					DataSourceInitializationAutoConfiguration.class))
			.withPropertyValues("spring.sql.init.mode=always");
	}

}
