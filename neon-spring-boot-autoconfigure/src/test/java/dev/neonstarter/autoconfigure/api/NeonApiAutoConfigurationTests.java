package dev.neonstarter.autoconfigure.api;

import java.util.Map;

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
		NeonApiProperties properties = new NeonApiProperties();
		properties.setKey("napi_own");
		properties.setProjectId("own-project");
		this.runner.withPropertyValues("neon.api.key=napi_k", "neon.api.project-id=p")
			.withBean(NeonApiClient.class, () -> new NeonApiClient(properties))
			.run((context) -> assertThat(context.getBean(NeonApiClient.class).projectId()).isEqualTo("own-project"));
	}

}
