package dev.neonstarter.jdbc.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.connection.NeonTlsException;
import dev.neonstarter.pool.NeonDataSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the pools are configured with: TLS policy, prepared statements, pooler startup parameters.
 */
@ExtendWith(OutputCaptureExtension.class)
class NeonPoolConnectionSettingsTests {

	private static final String NEON_POOLED = "postgresql://app:app-secret@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(NeonDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("neon.ssl.verify-on-startup=false");

	@Test
	void neonHostsDefaultToVerifyFullAgainstTheJdkTrustStore(CapturedOutput output) {
		this.runner.withPropertyValues("neon.url=" + NEON_POOLED + "?sslmode=require&channel_binding=require")
			.run((context) -> {
				for (HikariDataSource pool : pools(context)) {
					assertThat(pool.getDataSourceProperties()).containsEntry("sslmode", "verify-full")
						.containsEntry("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory")
						.containsEntry("channelBinding", "require")
						.doesNotContainKey("sslrootcert");
				}
				assertThat(output).containsOnlyOnce("using sslmode=verify-full instead of the URL's sslmode=require")
					.contains("the JDK trust store")
					.doesNotContain("app-secret");
			});
	}

	@Test
	void neonHostWithoutSslmodeAlsoGetsVerifyFull() {
		this.runner.withPropertyValues("neon.url=" + NEON_POOLED)
			.run((context) -> assertThat(pools(context)[0].getDataSourceProperties()).containsEntry("sslmode",
					"verify-full"));
	}

	@Test
	void explicitModeIsKeptAndNotLogged(CapturedOutput output) {
		this.runner.withPropertyValues("neon.url=" + NEON_POOLED + "?sslmode=require", "neon.ssl.mode=require")
			.run((context) -> {
				assertThat(pools(context)[0].getDataSourceProperties()).containsEntry("sslmode", "require")
					.doesNotContainKey("sslfactory");
				assertThat(output).doesNotContain("using sslmode=verify-full");
			});
	}

	@Test
	void rootCertSwitchesToThatRoot(@TempDir Path directory) throws Exception {
		Path root = Files.writeString(directory.resolve("root.crt"), "-----BEGIN CERTIFICATE-----\n");
		this.runner.withPropertyValues("neon.url=" + NEON_POOLED + "?sslfactory=x.Y", "neon.ssl.root-cert=" + root)
			.run((context) -> assertThat(pools(context)[0].getDataSourceProperties())
				.containsEntry("sslmode", "verify-full")
				.containsEntry("sslrootcert", root.toString())
				.doesNotContainKey("sslfactory"));
	}

	@Test
	void unreadableRootCertFailsStartup(@TempDir Path directory) {
		this.runner
			.withPropertyValues("neon.url=" + NEON_POOLED, "neon.ssl.root-cert=" + directory.resolve("missing.crt"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(NeonTlsException.class,
						(ex) -> assertThat(ex.getFailure()).isEqualTo(NeonTlsException.Failure.ROOT_CERT_UNREADABLE))
				.hasMessageContaining("missing.crt")
				.hasMessageNotContaining("app-secret"));
	}

	@Test
	void verifyModesUseTheUrlsRootCertWhenGiven() {
		this.runner.withPropertyValues("neon.url=postgresql://u@db.example/app?sslmode=verify-ca&sslrootcert=/etc/r.pem")
			.run((context) -> assertThat(pools(context)[0].getDataSourceProperties())
				.containsEntry("sslmode", "verify-ca")
				.containsEntry("sslrootcert", "/etc/r.pem")
				.doesNotContainKey("sslfactory"));
	}

	@Test
	void otherHostsKeepTheUrlsModeOrPgjdbcsDefault() {
		this.runner.withPropertyValues("neon.url=postgresql://u@db.example/app?sslmode=require")
			.run((context) -> assertThat(pools(context)[0].getDataSourceProperties())
				.containsEntry("sslmode", "require")
				.doesNotContainKey("sslfactory"));
		this.runner.withPropertyValues("neon.url=postgresql://u@localhost/app")
			.run((context) -> assertThat(pools(context)[0].getDataSourceProperties()).doesNotContainKey("sslmode"));
	}

	@Test
	void modePropertyAppliesToOtherHostsToo() {
		this.runner.withPropertyValues("neon.url=postgresql://u@localhost/app", "neon.ssl.mode=disable")
			.run((context) -> assertThat(pools(context)[1].getDataSourceProperties()).containsEntry("sslmode",
					"disable"));
	}

	@Test
	void preparedStatementsDefaultToServerSide() {
		this.runner.withPropertyValues("neon.url=" + NEON_POOLED)
			.run((context) -> assertThat(pools(context)[0].getDataSourceProperties())
				.doesNotContainKey("prepareThreshold"));
	}

	@Test
	void preparedStatementsCanBeDisabledForOldPgBouncer() {
		this.runner.withPropertyValues("neon.url=" + NEON_POOLED, "neon.pooled.prepared-statements=disabled")
			.run((context) -> {
				assertThat(pools(context)[0].getDataSourceProperties()).containsEntry("prepareThreshold", "0");
				assertThat(pools(context)[1].getDataSourceProperties()).doesNotContainKey("prepareThreshold");
			});
	}

	@Test
	void optionsOnThePooledNeonEndpointIsAClearError() {
		this.runner.withPropertyValues("neon.url=" + NEON_POOLED + "?options=-c%20search_path%3Dapp")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidNeonConnectionStringException.class)
				.hasMessageContaining("parameter 'options'")
				.hasMessageContaining("PgBouncer")
				.hasMessageContaining("ALTER ROLE"));
	}

	@Test
	void currentSchemaBoundThroughHikariIsCaughtToo() {
		this.runner
			.withPropertyValues("neon.url=postgresql://u@localhost:6432/app",
					"neon.direct-url=postgresql://u@localhost:5432/app",
					"neon.pooled.hikari.data-source-properties.currentSchema=app")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidNeonConnectionStringException.class)
				.hasMessageContaining("parameter 'currentSchema'"));
	}

	@Test
	void aDriverPropertyPgjdbcDoesNotKnowIsNamed(CapturedOutput output) {
		// Spring Boot lower-cases the map keys of environment variables: pgjdbc would ignore "sockettimeout".
		this.runner.withPropertyValues("neon.url=" + NEON_POOLED)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						"test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of("NEON_POOLED_HIKARI_DATASOURCEPROPERTIES_SOCKETTIMEOUT", "30"))))
			.run((context) -> assertThat(pools(context)[0].getDataSourceProperties()).containsEntry("sockettimeout",
					"30"));
		assertThat(output).contains("neon.pooled.hikari.data-source-properties.sockettimeout is not a pgjdbc"
				+ " connection property, so pgjdbc ignores it (pgjdbc spells it 'socketTimeout'; an environment variable"
				+ " gives a map key in lower case")
			.doesNotContain("app-secret");
	}

	@Test
	void optionsAreFineWhenBothPoolsGoToTheSameServer() {
		this.runner.withPropertyValues("neon.url=postgresql://u@localhost/app?options=-c%20search_path%3Dapp")
			.run((context) -> assertThat(pools(context)[0].getDataSourceProperties()).containsEntry("options",
					"-c search_path=app"));
	}

	@Test
	void optionsCanGoToASeparateDirectUrl() {
		this.runner
			.withPropertyValues("neon.url=" + NEON_POOLED,
					"neon.direct-url=postgresql://app:app-secret@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb"
							+ "?options=endpoint%3Dep-cool-darkness-123456")
			.run((context) -> assertThat(pools(context)[1].getDataSourceProperties()).containsEntry("options",
					"endpoint=ep-cool-darkness-123456"));
	}

	private static HikariDataSource[] pools(ApplicationContext context) {
		return new HikariDataSource[] {
				context.getBean(NeonDataSources.POOLED_BEAN_NAME, HikariDataSource.class),
				context.getBean(NeonDataSources.DIRECT_BEAN_NAME, HikariDataSource.class) };
	}

}
