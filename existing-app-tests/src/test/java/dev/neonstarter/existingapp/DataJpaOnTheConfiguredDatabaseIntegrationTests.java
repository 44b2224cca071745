package dev.neonstarter.existingapp;

import java.util.Map;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import jakarta.persistence.EntityManagerFactory;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase.Replace;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.orm.jpa.EntityManagerFactoryInfo;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JPA slice with {@code @AutoConfigureTestDatabase(replace = NONE)}, Spring Boot's way of asking a slice for
 * the configured database, while {@code DATABASE_URL} names a Neon-like topology and H2 is on the classpath: the
 * repositories run through the pooled pool (PgBouncer, verified TLS) on PostgreSQL, Flyway migrates and
 * {@code spring.sql.init} scripts run on the direct endpoint, as in the application. The slice imports only the
 * auto-configurations listed for its annotations, so without the starter's entries there it ran on an in-memory
 * H2 without a word.
 */
@RequiresPgBouncer
@DataJpaTest(properties = { "spring.sql.init.mode=always",
		"spring.sql.init.data-locations=classpath:slice-sql-init/data.sql" })
@AutoConfigureTestDatabase(replace = Replace.NONE)
class DataJpaOnTheConfiguredDatabaseIntegrationTests {

	static final NeonTestTopology topology = NeonTestTopology.shared();

	static String database;

	@DynamicPropertySource
	static void neon(DynamicPropertyRegistry registry) {
		database = topology.createDatabase();
		TestDatabases.neon(registry, topology, database);
	}

	@Autowired
	DataSource dataSource;

	@Autowired
	@Qualifier(NeonDataSources.POOLED_BEAN_NAME)
	NeonHikariDataSource pooled;

	@Autowired
	@Qualifier(NeonDataSources.DIRECT_BEAN_NAME)
	NeonHikariDataSource direct;

	@Autowired
	EntityManagerFactory entityManagerFactory;

	@Autowired
	Flyway flyway;

	@Autowired
	OwnerRepository owners;

	@Test
	void repositoriesRunThroughThePoolerOnPostgresqlMigratedOnTheDirectEndpoint() {
		assertThat(this.dataSource).isSameAs(this.pooled);
		assertThat(((EntityManagerFactoryInfo) this.entityManagerFactory).getDataSource()).isSameAs(this.pooled);
		assertThat(this.pooled.getJdbcUrl()).contains(":" + topology.pgbouncer().port() + "/");
		assertThat(this.pooled.tlsStatus().verified()).isTrue();
		this.owners.save(new Owner("Jean Coleman"));
		assertThat(this.owners.findByNameContainingIgnoreCaseOrderByName("cole")).extracting(Owner::getName)
			.containsExactly("Jean Coleman");
		assertThat(this.owners.serverPort()).isEqualTo(topology.postgres().port());
		assertThat(this.flyway.getConfiguration().getDataSource()).isSameAs(this.direct);
		assertThat(JdbcClient.create(this.direct)
			.sql("SELECT count(*) FROM flyway_schema_history WHERE success")
			.query(Long.class)
			.single()).isEqualTo(1);
		Map<String, Object> seen = JdbcClient.create(topology.postgres().adminDataSource(database))
			.sql("SELECT application_name, server_port FROM sql_init_seen")
			.query()
			.singleRow();
		assertThat(seen).containsEntry("application_name", "neon-direct")
			.containsEntry("server_port", topology.postgres().port());
	}

}
