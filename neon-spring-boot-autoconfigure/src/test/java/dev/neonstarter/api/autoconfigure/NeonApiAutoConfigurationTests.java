package dev.neonstarter.api.autoconfigure;

import java.time.Duration;
import java.util.Map;

import dev.neonstarter.api.NeonApiClient;
import dev.neonstarter.api.NeonApiSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class NeonApiAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NeonApiAutoConfiguration.class));

	@Test
	void noClientWithoutConfiguration() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(NeonApiClient.class));
	}

	@Test
	void aKeyAloneConfiguresNothingRatherThanFailingStartup() {
		this.runner.withPropertyValues("neon.api.key=napi_k")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(NeonApiClient.class));
	}

	@Test
	void clientFromTheEnvironmentVariablesNeonUses() {
		this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("NEON_API_KEY", "napi_from_env", "NEON_PROJECT_ID", "autumn-disk-484331"))))
			.run((context) -> {
				assertThat(context).hasSingleBean(NeonApiClient.class);
				NeonApiClient client = context.getBean(NeonApiClient.class);
				assertThat(client.projectId()).isEqualTo("autumn-disk-484331");
				assertThat(client.toString()).doesNotContain("napi_from_env");
			});
	}

	@Test
	void propertiesWinOverTheProjectVariable() {
		this.runner
			.withPropertyValues("neon.api.key=napi_k", "neon.api.project-id=from-property",
					"NEON_PROJECT_ID=from-variable", "neon.api.base-url=http://localhost:1/api/v2/")
			.run((context) -> {
				NeonApiClient client = context.getBean(NeonApiClient.class);
				assertThat(client.projectId()).isEqualTo("from-property");
				assertThat(client.toString()).isEqualTo("NeonApiClient[http://localhost:1/api/v2, project from-property]");
			});
	}

	@Test
	void backsOffWhenTheStarterIsDisabled() {
		this.runner.withPropertyValues("neon.enabled=false", "neon.api.key=napi_k", "neon.api.project-id=p")
			.run((context) -> assertThat(context).doesNotHaveBean(NeonApiClient.class));
	}

	@Test
	void backsOffForTheApplicationsOwnClient() {
		this.runner.withPropertyValues("neon.api.key=napi_k", "neon.api.project-id=p")
			.withBean(NeonApiClient.class, () -> new NeonApiClient(NeonApiSettings.of("napi_own", "own-project")))
			.run((context) -> assertThat(context.getBean(NeonApiClient.class).projectId()).isEqualTo("own-project"));
	}

	@Test
	void everyPropertyReachesTheClientSettings() {
		this.runner
			.withPropertyValues("neon.api.key=napi_k", "neon.api.project-id=from-property",
					"neon.api.base-url=http://localhost:1/api/v2", "neon.api.request-timeout=5s",
					"neon.api.operation-timeout=3m", "neon.api.poll-interval=250ms", "neon.api.max-retries=2",
					"neon.api.retry-backoff=2s")
			.run((context) -> {
				NeonApiSettings settings = context.getBean(NeonApiProperties.class).toSettings(null);
				assertThat(settings).isEqualTo(NeonApiSettings.of("napi_k", "from-property")
					.withBaseUrl("http://localhost:1/api/v2")
					.withRequestTimeout(Duration.ofSeconds(5))
					.withOperationTimeout(Duration.ofMinutes(3))
					.withPollInterval(Duration.ofMillis(250))
					.withMaxRetries(2)
					.withRetryBackoff(Duration.ofSeconds(2)));
			});
	}

	@Test
	void theDefaultsAreTheClientsDefaults() {
		assertThat(new NeonApiProperties().toSettings("p")).isEqualTo(NeonApiSettings.of(null, "p"));
	}

}
