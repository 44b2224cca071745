package dev.neonstarter.liquibaseapp;

import java.util.Map;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import liquibase.integration.spring.SpringLiquibase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The application started as in production, its connection strings those of the test topology (PgBouncer in
 * transaction mode, PostgreSQL, verify-full): its Liquibase changelog runs on the direct endpoint (Spring Boot's
 * {@code @LiquibaseDataSource}), never through the pooler, and as {@code spring.liquibase.user} when that is set.
 * The changelog's second change set records the role, the application name (the pool's) and TLS of its session.
 */
@RequiresPgBouncer
@ExtendWith(OutputCaptureExtension.class)
class LiquibaseIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	@Test
	void theChangelogRunsOnTheDirectEndpoint() {
		String database = this.topology.createDatabase();
		try (ConfigurableApplicationContext context = start(database)) {
			assertThat(context.getBean(SpringLiquibase.class).getDataSource())
				.isSameAs(context.getBean(NeonDataSources.DIRECT_BEAN_NAME));
			assertThat(origin(database)).containsEntry("role_name", NeonTestTopology.APP_USER)
				.containsEntry("application_name", "neon-direct")
				.containsEntry("tls", true);
			// The application's own traffic still goes through the pooler.
			NeonHikariDataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME, NeonHikariDataSource.class);
			assertThat(pooled.getJdbcUrl()).contains(":" + this.topology.pgbouncer().port() + "/");
		}
	}

	@Test
	void theChangelogRunsAsSpringLiquibaseUser() {
		String database = this.topology.createDatabase();
		try (ConfigurableApplicationContext context = start(database,
				"--spring.liquibase.user=" + NeonTestTopology.MIGRATOR,
				"--spring.liquibase.password=" + NeonTestTopology.MIGRATOR_PASSWORD)) {
			assertThat(origin(database)).containsEntry("role_name", NeonTestTopology.MIGRATOR)
				.containsEntry("application_name", "neon-direct")
				.containsEntry("tls", true);
			assertThat(JdbcClient.create(this.topology.postgres().adminDataSource(database))
				.sql("SELECT tableowner FROM pg_tables WHERE tablename = 'note'")
				.query(String.class)
				.single()).isEqualTo(NeonTestTopology.MIGRATOR);
			// The direct pool itself keeps the application's role.
			assertThat(context.getBean(NeonDataSources.DIRECT_BEAN_NAME, NeonHikariDataSource.class).getUsername())
				.isEqualTo(NeonTestTopology.APP_USER);
		}
	}

	@Test
	void springLiquibaseUrlIsNotUsedAndTheLogSaysSo(CapturedOutput output) {
		String database = this.topology.createDatabase();
		try (ConfigurableApplicationContext context = start(database,
				"--spring.liquibase.url=jdbc:postgresql://localhost:1/elsewhere")) {
			assertThat(origin(database)).containsEntry("application_name", "neon-direct");
			assertThat(output).contains("spring.liquibase.url is not used: Liquibase migrates through neon-direct");
		}
	}

	@Test
	void springLiquibaseUrlOnTheNeonPoolerFailsStartup() {
		String database = this.topology.createDatabase();
		assertThatException().isThrownBy(() -> start(database,
				"--spring.liquibase.url=jdbc:postgresql://ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb"))
			.withStackTraceContaining("spring.liquibase.url points at ep-cool-darkness-123456-pooler");
		assertThat(JdbcClient.create(this.topology.postgres().adminDataSource(database))
			.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
			.query(Long.class)
			.single()).isZero();
	}

	private ConfigurableApplicationContext start(String database, String... args) {
		String[] all = new String[args.length + 6];
		// On the command line: above a DATABASE_URL that the machine running the tests may export.
		all[0] = "--neon.url=" + this.topology.pooledUrl(database, "");
		all[1] = "--neon.direct-url=" + this.topology.directUrl(database, "");
		all[2] = "--neon.ssl.mode=verify-full";
		all[3] = "--neon.ssl.root-cert=" + this.topology.certificates().caCertificate();
		// Debian's PgBouncer 1.18 has no protocol-level prepared statements; Neon's has.
		all[4] = "--neon.pooled.prepared-statements=disabled";
		all[5] = "--spring.main.banner-mode=off";
		System.arraycopy(args, 0, all, 6, args.length);
		return new SpringApplicationBuilder(LiquibaseApplication.class).web(WebApplicationType.NONE).run(all);
	}

	private Map<String, Object> origin(String database) {
		return JdbcClient.create(this.topology.postgres().adminDataSource(database))
			.sql("SELECT role_name, application_name, tls FROM migration_origin")
			.query()
			.singleRow();
	}

}
