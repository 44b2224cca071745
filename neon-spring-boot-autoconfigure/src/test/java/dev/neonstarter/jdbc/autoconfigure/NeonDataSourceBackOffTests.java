package dev.neonstarter.jdbc.autoconfigure;

import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.pool.NeonHikariDataSource;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter backs off where Spring Boot's own DataSource auto-configuration would, and never picks one of two
 * configured databases silently.
 */
@ExtendWith(OutputCaptureExtension.class)
class NeonDataSourceBackOffTests {

	private static final String NEON_POOLED = "postgresql://app:app-secret@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("neon.ssl.verify-on-startup=false");

	@Test
	void excludingDataSourceAutoConfigurationByAnnotationCreatesNoDataSource() {
		try (ConfigurableApplicationContext context = start(ExcludingApplication.class, "--neon.url=" + NEON_POOLED)) {
			assertThat(context.getBeanNamesForType(DataSource.class)).isEmpty();
			assertThat(context.getBeanNamesForType(NeonConnectionDetails.class)).isEmpty();
		}
	}

	@Test
	void excludingDataSourceAutoConfigurationByPropertyCreatesNoDataSource() {
		try (ConfigurableApplicationContext context = start(Application.class, "--neon.url=" + NEON_POOLED,
				"--spring.autoconfigure.exclude=" + DataSourceAutoConfiguration.class.getName())) {
			assertThat(context.getBeanNamesForType(DataSource.class)).isEmpty();
		}
	}

	@Test
	void disabledLeavesNothingOfTheStarter() {
		try (ConfigurableApplicationContext context = start(Application.class, "--neon.enabled=false",
				"--neon.url=" + NEON_POOLED, "--spring.datasource.url=jdbc:postgresql://localhost:1/boot")) {
			List<String> neonBeans = Arrays.stream(context.getBeanDefinitionNames())
				.filter((name) -> {
					Class<?> type = context.getType(name);
					return type != null && type.getName().startsWith("dev.neonstarter.")
							&& !type.getName().contains("Tests$");
				})
				.toList();
			assertThat(neonBeans).isEmpty();
			// resilience4j-spring-boot4 is on this module's test classpath: its registries exist, without neon.
			context.getBeansOfType(CircuitBreakerRegistry.class)
				.values()
				.forEach((registry) -> assertThat(registry.getAllCircuitBreakers()).extracting("name")
					.doesNotContain("neon", "neon-replica"));
			assertThat(context.containsBean("neonCircuitBreaker")).isFalse();
			assertThat(context.containsBean("neonRetry")).isFalse();
			assertThat(context.getEnvironment().getPropertySources().contains("neonResilienceDefaults")).isFalse();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.getMeters()).extracting((meter) -> meter.getId().getName())
				.noneMatch((name) -> name.startsWith("neon") || name.startsWith("resilience4j"));
			assertThat(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class)
				.isNotInstanceOf(NeonHikariDataSource.class);
		}
	}

	@Test
	void adoptsANeonHostInSpringDatasourceUrl(CapturedOutput output) {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require",
					"spring.datasource.username=app", "spring.datasource.password=app-secret")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				NeonConnectionDetails details = context.getBean(NeonConnectionDetails.class);
				assertThat(details.getPooled().host()).isEqualTo("ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech");
				assertThat(details.getDirect().host()).isEqualTo("ep-cool-darkness-123456.us-east-2.aws.neon.tech");
				assertThat(details.getPooled().username()).isEqualTo("app");
				assertThat(details.getDirect().password()).isEqualTo("app-secret");
				assertThat(context.getBean(DataSource.class)).isInstanceOf(NeonHikariDataSource.class);
			});
		assertThat(output).contains("Neon DataSources use spring.datasource.url (a Neon host")
			.doesNotContain("app-secret");
	}

	@Test
	void backsOffForAnotherDatabaseInSpringDatasourceUrl(CapturedOutput output) {
		this.runner.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/local").run((context) -> {
			assertThat(context).doesNotHaveBean(NeonConnectionDetails.class);
			assertThat(context.getBean(DataSource.class)).isNotInstanceOf(NeonHikariDataSource.class);
		});
		assertThat(output).contains("spring.datasource.url is set and names no Neon host: the Neon starter backs off");
	}

	@Test
	void backsOffForSpringBootsJndiDataSourceEvenWithANeonUrl(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class))
			.withPropertyValues("neon.ssl.verify-on-startup=false", "neon.url=" + NEON_POOLED,
					"spring.datasource.jndi-name=java:comp/env/jdbc/app")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(NeonConnectionDetails.class)
				.doesNotHaveBean(DataSource.class));
		assertThat(output).contains("spring.datasource.jndi-name is set: the Neon starter backs off");
	}

	@Test
	void aNeonUrlAndAnotherSpringDatasourceUrlFailNamingBoth() {
		this.runner
			.withPropertyValues("neon.url=" + NEON_POOLED, "spring.datasource.url=jdbc:h2:mem:testdb;USER=sa;PASSWORD=h2-secret")
			.run((context) -> {
				assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(NeonDataSourceUrlConflictException.class)
					.hasMessage("neon.url (ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech) and"
							+ " spring.datasource.url (a jdbc:h2 database) name different databases")
					.hasMessageNotContaining("secret");
			});
		this.runner
			.withPropertyValues("DATABASE_URL=" + NEON_POOLED,
					"spring.datasource.url=jdbc:postgresql://db.example.com:5433/other")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("DATABASE_URL (ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech) and"
						+ " spring.datasource.url (db.example.com:5433/other) name different databases"));
	}

	@Test
	void aSpringDatasourceUrlForTheSameNeonDatabaseIsFine() {
		this.runner
			.withPropertyValues("neon.url=" + NEON_POOLED,
					"spring.datasource.url=jdbc:postgresql://ep-cool-darkness-123456.us-east-2.aws.neon.tech:5432/neondb")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(NeonConnectionDetails.class));
	}

	@Test
	void springDatasourceCredentialsFillInWhatTheSameDatabasesNeonUrlLacks(CapturedOutput output) {
		// spring.datasource.url=${DATABASE_URL} with the user and password apart, as Neon's Spring snippet shows them.
		String jdbc = "jdbc:postgresql://ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require";
		this.runner
			.withPropertyValues("DATABASE_URL=" + jdbc, "spring.datasource.url=${DATABASE_URL}",
					"spring.datasource.username=app", "spring.datasource.password=app-secret")
			.run((context) -> {
				NeonConnectionDetails details = context.getBean(NeonConnectionDetails.class);
				assertThat(details.getPooled().username()).isEqualTo("app");
				assertThat(details.getPooled().password()).isEqualTo("app-secret");
				assertThat(details.getDirect().username()).isEqualTo("app");
				assertThat(details.getDirect().password()).isEqualTo("app-secret");
			});
		assertThat(output).doesNotContain("is not used by the Neon pools");
	}

	@Test
	void springDatasourceCredentialsThatTheNeonUrlOverridesAreNamed(CapturedOutput output) {
		this.runner
			.withPropertyValues("DATABASE_URL=" + NEON_POOLED,
					"spring.datasource.url=jdbc:postgresql://ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb",
					"spring.datasource.username=reader", "spring.datasource.password=reader-secret")
			.run((context) -> assertThat(context.getBean(NeonConnectionDetails.class).getPooled().username())
				.isEqualTo("app"));
		assertThat(output).contains("spring.datasource.username and spring.datasource.password are not used by the"
				+ " Neon pools: DATABASE_URL carries its own user and password")
			.doesNotContain("reader-secret")
			.doesNotContain("app-secret");
	}

	private static ConfigurableApplicationContext start(Class<?> source, String... args) {
		SpringApplication application = new SpringApplication(source);
		application.setWebApplicationType(WebApplicationType.NONE);
		String[] all = Arrays.copyOf(args, args.length + 3);
		all[args.length] = "--neon.ssl.verify-on-startup=false";
		all[args.length + 1] = "--spring.flyway.enabled=false";
		all[args.length + 2] = "--spring.sql.init.mode=never";
		return application.run(all);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(exclude = DataSourceAutoConfiguration.class)
	static class ExcludingApplication {

	}

}
