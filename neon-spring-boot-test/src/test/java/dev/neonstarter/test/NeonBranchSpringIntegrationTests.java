package dev.neonstarter.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.api.NeonBranchConnection;
import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.testsupport.NeonApiStub;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path on one machine: {@link NeonBranch} creates a branch through the Neon API stub, whose connection
 * URIs point at the PgBouncer/TLS topology (pooled URI at PgBouncer, direct URI at PostgreSQL); the Spring Boot
 * application under test gets both DataSources from it, Flyway migrates through the direct one, the test
 * writes through the pooled one, and afterwards the context is closed and the branch deleted.
 */
@RequiresPgBouncer
class NeonBranchSpringIntegrationTests {

	/** JDBC URLs of the pools the inner tests saw, and the pools themselves. */
	static final List<String> jdbcUrls = new CopyOnWriteArrayList<>();

	static final List<HikariDataSource> pools = new CopyOnWriteArrayList<>();

	@RegisterExtension
	static final NeonApiStub neon = NeonApiStub.start();

	private static NeonTestTopology topology;

	@BeforeAll
	static void startTopology() {
		topology = NeonTestTopology.shared();
	}

	/** A fresh database per test; Neon's answers point at it, as the owner role Neon would return. */
	@BeforeEach
	void branchOnTheTopology() {
		jdbcUrls.clear();
		pools.clear();
		String database = topology.createDatabase();
		neon.branchLifecycle(1, uri(topology.pgbouncer().port(), database), uri(topology.postgres().port(), database));
	}

	private static String uri(int port, String database) {
		return "postgresql://" + NeonTestTopology.MIGRATOR + ":" + NeonTestTopology.MIGRATOR_PASSWORD + "@localhost:"
				+ port + "/" + database + "?sslmode=verify-full&sslrootcert="
				+ topology.certificates().caCertificate().toAbsolutePath();
	}

	@Test
	void bothPoolsAndFlywayRunOnTheBranchWhichIsDeletedAfterwards() {
		EngineExecutionResults results = NeonBranchExtensionTests.run(BranchBackedApplicationTests.class,
				neon.configuration());

		results.testEvents().assertStatistics((stats) -> stats.started(1).succeeded(1));
		assertThat(jdbcUrls).containsExactly("jdbc:postgresql://localhost:" + topology.pgbouncer().port() + "/",
				"jdbc:postgresql://localhost:" + topology.postgres().port() + "/");
		assertThat(neon.deletes()).hasSize(1);
		// Closed after the class: no cached context keeps pools pointing at the deleted branch.
		assertThat(pools).hasSize(3).allMatch(HikariDataSource::isClosed);
	}

	@Test
	void aFailingSpringTestStillClosesTheContextAndDeletesTheBranch() {
		EngineExecutionResults results = NeonBranchExtensionTests.run(FailingApplicationTests.class,
				neon.configuration());

		results.testEvents().assertStatistics((stats) -> stats.started(1).failed(1));
		assertThat(neon.deletes()).hasSize(1);
		assertThat(pools).singleElement().matches(HikariDataSource::isClosed);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class BranchApplication {

	}

	@NeonBranch(parent = "main")
	@SpringBootTest(classes = BranchApplication.class,
			properties = { "spring.flyway.locations=classpath:db/branch-migration",
					// Debian's PgBouncer 1.18 has no protocol-level prepared statements; Neon's has.
					"neon.pooled.prepared-statements=disabled",
					// The application's own connection, as its configuration or environment gives it: the branch
					// wins over all of it, and a spring.datasource.url elsewhere does not fail startup.
					"neon.url=postgresql://app:app_secret@ep-app-000001-pooler.us-east-2.aws.neon.tech/app",
					"DATABASE_URL=postgresql://app:app_secret@ep-env-000002.us-east-2.aws.neon.tech/app",
					"DIRECT_URL=postgresql://app:app_secret@ep-env-000002.us-east-2.aws.neon.tech/app",
					"neon.username=app", "neon.password=app_secret",
					"spring.datasource.url=jdbc:postgresql://localhost:1/elsewhere",
					// Its read replica: read-only work goes to the branch too.
					"neon.read-replica.url=postgresql://app:app_secret@ep-replica-000003.us-east-2.aws.neon.tech/app" })
	@ExtendWith(EngineTestKitOnly.class)
	static class BranchBackedApplicationTests {

		@Autowired
		@Qualifier("neonPooledDataSource")
		HikariDataSource pooled;

		@Autowired
		@Qualifier("neonDirectDataSource")
		HikariDataSource direct;

		@Autowired
		@Qualifier("neonReplicaDataSource")
		HikariDataSource replica;

		@Autowired
		JdbcTemplate jdbc;

		@Test
		void writesThroughThePooledEndpointToTheSchemaFlywayMigratedThroughTheDirectOne(NeonBranchConnection branch) {
			pools.add(this.pooled);
			pools.add(this.direct);
			pools.add(this.replica);
			jdbcUrls.add(this.pooled.getJdbcUrl().replaceAll("/[^/]*$", "/"));
			jdbcUrls.add(this.direct.getJdbcUrl().replaceAll("/[^/]*$", "/"));
			assertThat(this.pooled.getJdbcUrl()).isEqualTo(NeonConnectionString.parse(branch.pooledUri()).toJdbcUrl());
			assertThat(this.direct.getJdbcUrl()).isEqualTo(NeonConnectionString.parse(branch.directUri()).toJdbcUrl());
			assertThat(this.replica.getJdbcUrl()).isEqualTo(this.pooled.getJdbcUrl());
			// The branch's role, as Neon returned it, not neon.username.
			assertThat(this.pooled.getUsername()).isEqualTo(NeonTestTopology.MIGRATOR);
			assertThat(this.direct.getUsername()).isEqualTo(NeonTestTopology.MIGRATOR);
			assertThat(new JdbcTemplate(this.direct).queryForObject(
					"SELECT count(*) FROM flyway_schema_history WHERE success", Integer.class)).isEqualTo(1);
			this.jdbc.update("INSERT INTO branch_notes (text) VALUES (?)", "written on a branch");
			assertThat(this.jdbc.queryForObject("SELECT text FROM branch_notes", String.class))
				.isEqualTo("written on a branch");
		}

	}

	@NeonBranch
	@SpringBootTest(classes = BranchApplication.class,
			properties = { "spring.flyway.locations=classpath:db/branch-migration",
					"neon.pooled.prepared-statements=disabled" })
	@ExtendWith(EngineTestKitOnly.class)
	static class FailingApplicationTests {

		@Autowired
		@Qualifier("neonPooledDataSource")
		HikariDataSource pooled;

		@Test
		void fails() {
			pools.add(this.pooled);
			assertThat(this.pooled.isClosed()).as("a deliberately failing test").isTrue();
		}

	}

}
