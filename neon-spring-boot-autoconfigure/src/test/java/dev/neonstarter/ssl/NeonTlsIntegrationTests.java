package dev.neonstarter.ssl;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import dev.neonstarter.connection.NeonSslMode;
import dev.neonstarter.connection.NeonTlsException;
import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.jdbc.autoconfigure.NeonDataSourceAutoConfiguration;
import dev.neonstarter.jdbc.autoconfigure.NeonTopologyContexts;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonEndpointMonitor;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.PostgresServer;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * TLS end to end: PgBouncer and PostgreSQL with certificates from a test CA, checked by the starter at
 * startup. Also servers with the wrong certificate and with TLS off.
 */
@RequiresPgBouncer
class NeonTlsIntegrationTests {

	private static Path scratch;

	private static PostgresServer plainServer;

	private static PostgresServer wrongHostServer;

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private String database;

	@BeforeAll
	static void startOtherServers() throws Exception {
		scratch = Files.createTempDirectory("neon-tls-tests");
		plainServer = PostgresServer.plain(scratch.resolve("plain"));
		NeonTestTopology topology = NeonTestTopology.shared();
		wrongHostServer = PostgresServer.tls(scratch.resolve("wrong-host"),
				topology.certificates().wrongHostCertificate(), topology.certificates().wrongHostKey());
		for (PostgresServer server : new PostgresServer[] { plainServer, wrongHostServer }) {
			server.execute("postgres", "CREATE ROLE " + NeonTestTopology.APP_USER + " LOGIN PASSWORD '"
					+ NeonTestTopology.APP_PASSWORD + "'");
		}
	}

	@AfterAll
	static void stopOtherServers() {
		plainServer.close();
		wrongHostServer.close();
	}

	@BeforeEach
	void createDatabase() {
		this.database = this.topology.createDatabase();
	}

	@Test
	void verifyFullWithTheRightRootSucceedsOnBothEndpoints() {
		NeonTopologyContexts.runner(this.topology, this.database).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(NeonDataSources.class).pooled().tlsStatus()).satisfies((status) -> {
				assertThat(status.mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
				assertThat(status.verified()).isTrue();
				assertThat(status.serverReportsSsl()).isNull();
			});
			assertThat(context.getBean(NeonDataSources.class).direct().tlsStatus()).satisfies((status) -> {
				assertThat(status.verified()).isTrue();
				assertThat(status.serverReportsSsl()).isTrue();
			});
			JdbcTemplate pooled = context.getBean(JdbcTemplate.class);
			assertThat(pooled.queryForObject("SELECT current_user", String.class)).isEqualTo(NeonTestTopology.APP_USER);
			// Through PgBouncer pg_stat_ssl describes PgBouncer's own leg to the server, as on Neon.
			assertThat(pooled.queryForObject("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
					Boolean.class)).isTrue();
		});
	}

	@Test
	void wrongRootFailsStartupWithoutThePassword() {
		NeonTopologyContexts.runner(this.topology, this.database)
			.withPropertyValues("neon.ssl.root-cert=" + this.topology.certificates().otherCaCertificate())
			.run((context) -> assertTlsFailure(context, NeonTlsException.Failure.UNTRUSTED_CERTIFICATE));
	}

	@Test
	void aFailedProofOfThePooledDataSourceAloneFailsStartup() {
		// The pooled pool's proof runs in the background while the direct pool's passes: startup still fails.
		NeonTopologyContexts.runner(this.topology, this.database)
			.withPropertyValues("neon.pooled.hikari.data-source-properties.sslrootcert=/nonexistent/root.crt")
			.run((context) -> {
				assertTlsFailure(context, NeonTlsException.Failure.ROOT_CERT_UNREADABLE);
				assertThat(findTlsException(context.getStartupFailure())).hasMessageContaining("neon-pooled");
			});
	}

	@Test
	void theJdkTrustStoreDoesNotTrustTheTestRoot() {
		// Proves verify-full without a root certificate really verifies (against the JDK's roots).
		NeonTopologyContexts.runner(this.topology, this.database)
			.withPropertyValues("neon.ssl.root-cert=")
			.run((context) -> assertTlsFailure(context, NeonTlsException.Failure.UNTRUSTED_CERTIFICATE));
	}

	@Test
	void hostnameMismatchFailsAtVerifyFull() {
		single(wrongHostServer, "sslmode=verify-full")
			.run((context) -> assertTlsFailure(context, NeonTlsException.Failure.HOSTNAME_MISMATCH));
	}

	@Test
	void hostnameMismatchPassesAtVerifyCa() {
		single(wrongHostServer, "sslmode=verify-ca").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(NeonDataSources.class).direct().tlsStatus().serverReportsSsl()).isTrue();
		});
	}

	@Test
	void verifyFullAgainstAServerWithoutTlsFails() {
		single(plainServer, "sslmode=verify-full")
			.run((context) -> assertTlsFailure(context, NeonTlsException.Failure.TLS_NOT_SUPPORTED));
	}

	@Test
	void requireAgainstAServerWithoutTlsFails() {
		single(plainServer, "sslmode=require")
			.run((context) -> assertTlsFailure(context, NeonTlsException.Failure.TLS_NOT_SUPPORTED));
	}

	@Test
	void aServerWithoutTlsIsAConfigurationErrorNotAnOutageWhenNotProvenAtStartup() {
		single(plainServer, "sslmode=require")
			.withPropertyValues("neon.ssl.verify-on-startup=false", "neon.pooled.hikari.connection-timeout=1000")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				NeonHikariDataSource pooled = context.getBean(NeonDataSources.class).pooled();
				for (int i = 0; i < 3; i++) {
					// Each caller sees the TLS error itself, never "the endpoint is down".
					assertThatException().isThrownBy(pooled::getConnection)
						.withStackTraceContaining("does not support SSL")
						.isNotInstanceOf(NeonUnavailableException.class);
				}
				assertThat(pooled.monitor().state()).isEqualTo(NeonEndpointMonitor.State.UP);
			});
	}

	@Test
	void disableWorksForLocalhost() {
		single(plainServer, "sslmode=disable").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(NeonDataSources.class).pooled().tlsStatus().mode())
				.isEqualTo(NeonSslMode.DISABLE);
			assertThat(context.getBean(JdbcTemplate.class)
				.queryForObject("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", Boolean.class)).isFalse();
		});
	}

	@Test
	void channelBindingFromTheConsoleStringWorksAgainstScram() {
		// Direct endpoint only: PgBouncer does not offer SCRAM-SHA-256-PLUS to clients.
		String url = this.topology.directUrl(this.database, "sslmode=require&channel_binding=require");
		runner(url).withPropertyValues("neon.ssl.root-cert=" + this.topology.certificates().caCertificate(),
				"neon.ssl.mode=verify-full")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource direct = context.getBean(NeonDataSources.DIRECT_BEAN_NAME,
						DataSource.class);
				assertThat(new JdbcTemplate(direct).queryForObject("SELECT current_user", String.class))
					.isEqualTo(NeonTestTopology.APP_USER);
				assertThat(((com.zaxxer.hikari.HikariDataSource) direct).getDataSourceProperties())
					.containsEntry("channelBinding", "require");
			});
	}

	@Test
	void channelBindingRequireReallyReachesTheDriver() {
		// Against trust authentication there is no SCRAM exchange to bind: pgjdbc must refuse.
		runner("postgresql://" + NeonTestTopology.APP_USER + "@localhost:" + plainServer.port()
				+ "/postgres?sslmode=disable&channel_binding=require")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(JdbcTemplate.class)).satisfies((jdbc) -> org.assertj.core.api.Assertions
					.assertThatException()
					.isThrownBy(() -> jdbc.queryForObject("SELECT 1", Integer.class))
					.withStackTraceContaining("hannel binding"));
			});
	}

	private ApplicationContextRunner single(PostgresServer server, String query) {
		return runner("postgresql://" + NeonTestTopology.APP_USER + ":app-Pa55%3Aw%40rd%2F%25@localhost:"
				+ server.port() + "/postgres?" + query)
			.withPropertyValues("neon.ssl.root-cert=" + this.topology.certificates().caCertificate());
	}

	private static ApplicationContextRunner runner(String url) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
					DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("neon.url=" + url);
	}

	private static void assertTlsFailure(AssertableApplicationContext context, NeonTlsException.Failure expected) {
		assertThat(context).hasFailed();
		assertThat(context.getStartupFailure()).rootCause().satisfies((root) -> {
			// The root cause is pgjdbc's or the JDK's; find ours on the way down.
			NeonTlsException tls = findTlsException(context.getStartupFailure());
			assertThat(tls).as("NeonTlsException in %s", context.getStartupFailure()).isNotNull();
			assertThat(tls.getFailure()).isEqualTo(expected);
			assertThat(tls.getMessage()).contains("localhost:").doesNotContain(NeonTestTopology.APP_PASSWORD)
				.doesNotContain("Pa55");
		});
	}

	static NeonTlsException findTlsException(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof NeonTlsException tls) {
				return tls;
			}
		}
		return null;
	}

}
