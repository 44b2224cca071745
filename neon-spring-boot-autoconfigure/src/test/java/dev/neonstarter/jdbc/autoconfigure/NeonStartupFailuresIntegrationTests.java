package dev.neonstarter.jdbc.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Starts real applications with bad configuration and checks what the user is told: the failure analyzers
 * reached through a real startup, some of them with a failure from a real server (PostgreSQL, PgBouncer, an
 * embedded PostgreSQL without TLS). Each analyzer's own texts are tested case by case in its
 * {@code *FailureAnalyzerTests}.
 */
@ExtendWith(OutputCaptureExtension.class)
class NeonStartupFailuresIntegrationTests {

	private static final String NEON_POOLED = "postgresql://app:Tr0ub4dor@ep-cool-darkness-123456-pooler"
			+ ".us-east-2.aws.neon.tech/neondb?sslmode=require";

	private static final String WRONG_PASSWORD = "Wr0ng-Pa55";

	@Test
	void missingUrlTellsWhatToSet(CapturedOutput output) {
		start();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("neither the neon.url property nor the DATABASE_URL environment variable is set")
			.contains("export DATABASE_URL=")
			.contains("neon.embedded.enabled=true");
	}

	@Test
	void missingUrlNamesTheWaysToUseAnotherDatabase(CapturedOutput output) {
		start();
		assertThat(output).contains("neon.enabled=false in that profile")
			.contains("put H2 on the classpath, and the starter backs off")
			.contains("neon-spring-boot-test brings it");
	}

	@Test
	void neonUrlAndAnotherSpringDatasourceUrlAreBothNamed(CapturedOutput output) {
		start("--neon.url=" + NEON_POOLED, "--spring.datasource.url=jdbc:postgresql://localhost:5433/local?password=Tr0ub4dor");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Two databases are configured: neon.url names the Neon endpoint"
					+ " ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech and spring.datasource.url names"
					+ " localhost:5433/local")
			.contains("set neon.enabled=false for that profile or test, or unset neon.url there")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void malformedUrlSaysWhatAndWhereWithoutThePassword(CapturedOutput output) {
		start("--neon.url=postgresql://app:Tr0ub4dor@ep-a-1-pooler.us-east-2.aws.neon.tech:54x2/neondb");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The connection string in neon.url cannot be used: the port is not a number")
			.contains("must be percent-encoded")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void unknownParameterIsNamed(CapturedOutput output) {
		start("--neon.url=postgresql://app:Tr0ub4dor@localhost/neondb?sslmode=require&pool_size=5");
		assertThat(output).contains("unknown parameter 'pool_size'").doesNotContain("Tr0ub4dor");
	}

	@Test
	void unreadableRootCertificateNamesTheProperty(CapturedOutput output) {
		start("--neon.url=postgresql://app:Tr0ub4dor@localhost/neondb", "--neon.ssl.mode=verify-full",
				"--neon.ssl.root-cert=/nonexistent/root.pem");
		assertThat(output).contains("could not establish the TLS connection its sslmode (verify-full) requires")
			.contains("the root certificate file cannot be read")
			.contains("Point neon.ssl.root-cert")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void serverWithoutTlsIsExplained(CapturedOutput output) throws Exception {
		try (EmbeddedPostgres plain = EmbeddedPostgres.builder().start()) {
			start("--neon.url=postgresql://postgres:Tr0ub4dor@localhost:" + plain.getPort() + "/postgres?sslmode=require");
		}
		assertThat(output).contains("The neon-pooled DataSource could not establish the TLS connection its sslmode"
				+ " (require) requires to localhost:")
			.contains("the server does not offer TLS")
			.contains("neon.ssl.mode=disable")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void unknownLibpqParameterGetsItsPgjdbcEquivalent(CapturedOutput output) {
		start("--neon.url=postgresql://app:Tr0ub4dor@ep-a-1-pooler.us-east-2.aws.neon.tech/neondb"
				+ "?sslmode=require&target_session_attrs=read-write");
		assertThat(output).contains("The connection string in neon.url has the parameter 'target_session_attrs',"
				+ " which is neither a libpq parameter the starter translates nor a pgjdbc connection property")
			.contains("For 'target_session_attrs': pgjdbc's equivalent is targetServerType")
			.contains("Supported are the libpq parameters sslmode, sslrootcert")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void unknownParameterInDatabaseUrlSaysToRemoveIt(CapturedOutput output) {
		start("--DATABASE_URL=postgresql://app:Tr0ub4dor@localhost/neondb?pool_size=5");
		assertThat(output).contains("The connection string in DATABASE_URL has the parameter 'pool_size'")
			.contains("Remove 'pool_size' from DATABASE_URL.")
			.contains("Pool settings belong in neon.pooled.hikari.*")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void pooledHostAsDirectUrlNamesTheDirectHost(CapturedOutput output) {
		start("--neon.url=" + NEON_POOLED, "--neon.direct-url=" + NEON_POOLED);
		assertThat(output).contains("neon.direct-url points at ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech,"
				+ " a Neon pooled endpoint (PgBouncer in transaction mode), where the direct endpoint is required")
			.contains("Flyway's advisory lock")
			.contains("Set neon.direct-url to the direct host ep-cool-darkness-123456.us-east-2.aws.neon.tech")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void pooledHostAsDirectUrlFromTheEnvironmentNamesTheVariable(CapturedOutput output) {
		start("--neon.url=" + NEON_POOLED, "--DIRECT_URL=" + NEON_POOLED);
		assertThat(output).contains("DIRECT_URL points at ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech")
			.contains("Set DIRECT_URL to the direct host ep-cool-darkness-123456.us-east-2.aws.neon.tech")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void pooledHostForFlywayIsRefused(CapturedOutput output) {
		// The pools are local and unverified so the failure is Flyway's configuration, before any connection.
		start("--neon.url=postgresql://app:Tr0ub4dor@localhost:1/neondb?sslmode=disable",
				"--spring.flyway.url=jdbc:postgresql://ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb",
				"--spring.flyway.password=Tr0ub4dor");
		assertThat(output)
			.contains("spring.flyway.url points at ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech, a Neon"
					+ " pooled endpoint")
			.contains("Remove spring.flyway.url: the starter already runs Flyway on its direct DataSource")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void pooledHostAsDirectPoolJdbcUrlOverrideIsRefused(CapturedOutput output) {
		start("--neon.url=postgresql://app:Tr0ub4dor@localhost:1/neondb?sslmode=disable",
				"--neon.direct.hikari.jdbc-url=jdbc:postgresql://ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech"
						+ "/db");
		assertThat(output).contains("neon.direct.hikari.jdbc-url points at ep-cool-darkness-123456-pooler")
			.contains("Point neon.direct.hikari.jdbc-url at the direct host ep-cool-darkness-123456.us-east-2")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void wrongPasswordNamesPoolHostAndUserButNotThePassword(CapturedOutput output) {
		NeonTestTopology topology = NeonTestTopology.shared();
		String database = topology.createDatabase();
		// TLS verification at startup is the first login, as for every Neon host.
		start("--neon.url=" + wrongPassword(topology.directUrl(database, "")), "--neon.ssl.mode=verify-full",
				"--neon.ssl.root-cert=" + topology.certificates().caCertificate());
		assertThat(output).contains("The neon-pooled DataSource could not log in to localhost:"
				+ topology.postgres().port() + " as user 'app_user': FATAL: password authentication failed for user"
				+ " \"app_user\" (SQLState 28P01).")
			.contains("Check the user name and password the neon-pooled DataSource uses")
			.contains("neon.username / neon.password")
			.doesNotContain("SNI")
			.doesNotContain(WRONG_PASSWORD)
			.doesNotContain(NeonTestTopology.APP_PASSWORD);
	}

	@Test
	void wrongPasswordOfTheMigrationRoleIsReportedFromFlyway(CapturedOutput output) {
		NeonTestTopology topology = NeonTestTopology.shared();
		String database = topology.createDatabase();
		start("--neon.url=" + topology.directUrl(database, ""), "--neon.ssl.mode=disable",
				"--neon.direct.username=" + NeonTestTopology.MIGRATOR, "--neon.direct.password=" + WRONG_PASSWORD,
				"--spring.flyway.locations=classpath:db/it-migration");
		assertThat(output).contains("The neon-direct DataSource could not log in to localhost:"
				+ topology.postgres().port() + " as user 'migrator'")
			.contains("(SQLState 28P01)")
			.contains("neon.direct.username / neon.direct.password")
			.doesNotContain(WRONG_PASSWORD);
	}

	@Test
	@RequiresPgBouncer
	void wrongPasswordThroughThePoolerIsRecognised(CapturedOutput output) {
		NeonTestTopology topology = NeonTestTopology.shared();
		String database = topology.createDatabase();
		start("--neon.url=" + wrongPassword(topology.pooledUrl(database, "")),
				"--neon.direct-url=" + topology.directUrl(database, ""), "--neon.ssl.mode=verify-full",
				"--neon.ssl.root-cert=" + topology.certificates().caCertificate(),
				"--neon.pooled.prepared-statements=disabled");
		assertThat(output).contains("The neon-pooled DataSource could not log in to localhost:"
				+ topology.pgbouncer().port() + " as user 'app_user': FATAL: SASL authentication failed")
			.doesNotContain(WRONG_PASSWORD);
	}

	@Test
	void untrustedCertificateNamesTheRootCertProperty(CapturedOutput output) {
		NeonTestTopology topology = NeonTestTopology.shared();
		String database = topology.createDatabase();
		start("--neon.url=" + topology.directUrl(database, ""), "--neon.ssl.mode=verify-full");
		assertThat(output).contains("The neon-pooled DataSource could not establish the TLS connection its sslmode"
				+ " (verify-full) requires to localhost:" + topology.postgres().port())
			.contains("the server's certificate does not chain to a trusted root")
			.contains("set neon.ssl.root-cert to the PEM file of the CA")
			.doesNotContain(NeonTestTopology.APP_PASSWORD);
	}

	@Test
	void directPoolAboveTheServersMaxConnectionsIsRefused(CapturedOutput output) {
		NeonTestTopology topology = NeonTestTopology.shared();
		String database = topology.createDatabase();
		int maxConnections = Integer.parseInt(
				new JdbcTemplate(topology.postgres().adminDataSource("postgres")).queryForObject("SHOW max_connections",
						String.class));
		int reserved = Integer.parseInt(new JdbcTemplate(topology.postgres().adminDataSource("postgres"))
			.queryForObject("SHOW superuser_reserved_connections", String.class));
		int tooMany = maxConnections + 1;
		start("--neon.url=" + topology.directUrl(database, ""), "--neon.ssl.mode=disable",
				"--neon.direct.hikari.maximum-pool-size=" + tooMany, "--spring.flyway.enabled=false");
		assertThat(output).contains("The neon-direct DataSource may open " + tooMany
				+ " connections (neon.direct.hikari.maximum-pool-size), but " + (maxConnections - reserved)
				+ " is the most the server at localhost:" + topology.postgres().port() + " allows (max_connections "
				+ maxConnections + " minus " + reserved + " reserved)")
			.contains("Lower neon.direct.hikari.maximum-pool-size (default 2)")
			.doesNotContain(NeonTestTopology.APP_PASSWORD);
	}

	@Test
	void directPoolWithinTheServersMaxConnectionsStarts() {
		NeonTestTopology topology = NeonTestTopology.shared();
		String database = topology.createDatabase();
		SpringApplication application = new SpringApplication(EmptyApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		// Above the smallest Neon compute, so the server is asked, and within what it allows.
		try (var context = application.run("--neon.url=" + topology.directUrl(database, ""), "--neon.ssl.mode=disable",
				"--neon.direct.hikari.maximum-pool-size=98", "--spring.flyway.enabled=false")) {
			assertThat(context.getBean(NeonDataSources.DIRECT_BEAN_NAME, HikariDataSource.class)
				.getMaximumPoolSize()).isEqualTo(98);
		}
	}

	@Test
	void directPoolAboveTheLargestNeonComputeIsRefusedWithoutConnecting(CapturedOutput output) {
		start("--neon.url=" + NEON_POOLED, "--neon.direct.hikari.maximum-pool-size=5000");
		assertThat(output).contains("The neon-direct DataSource may open 5000 connections"
				+ " (neon.direct.hikari.maximum-pool-size), but 3993 is the most the largest Neon compute allows"
				+ " (max_connections 4000 minus 7 reserved)")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void pooledPoolAboveThePoolersClientLimitIsRefused(CapturedOutput output) {
		start("--neon.url=" + NEON_POOLED, "--neon.pooled.hikari.maximum-pool-size=10001");
		assertThat(output).contains("The neon-pooled DataSource may open 10001 connections"
				+ " (neon.pooled.hikari.maximum-pool-size), but 10000 is the most Neon's pooler accepts from all"
				+ " clients together (max_client_conn)")
			.contains("Lower neon.pooled.hikari.maximum-pool-size (default 10)");
	}

	private static String wrongPassword(String url) {
		String encoded = java.net.URLEncoder.encode(NeonTestTopology.APP_PASSWORD,
				java.nio.charset.StandardCharsets.UTF_8);
		return url.replace(encoded, WRONG_PASSWORD);
	}

	private static void start(String... args) {
		SpringApplication application = new SpringApplication(EmptyApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run(args).close());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class EmptyApplication {

	}

}
