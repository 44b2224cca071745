package dev.neonstarter.test;

import java.time.Duration;
import java.util.Map;

import dev.neonstarter.api.NeonApiSettings;
import org.junit.jupiter.api.Test;

import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class NeonApiEnvironmentTests {

	@Test
	void everySettingIsReadWithTheStartersPropertyNames() {
		MockEnvironment environment = new MockEnvironment().withProperty("neon.api.key", "napi_k")
			.withProperty("neon.api.project-id", "autumn-disk-484331")
			.withProperty("neon.api.base-url", "http://localhost:1/api/v2")
			.withProperty("neon.api.request-timeout", "5s")
			.withProperty("neon.api.operation-timeout", "PT3M")
			.withProperty("neon.api.poll-interval", "10ms")
			.withProperty("neon.api.max-retries", "2")
			.withProperty("neon.api.retry-backoff", "250ms");
		assertThat(NeonApiEnvironment.settings(environment)).isEqualTo(NeonApiSettings.of("napi_k", "autumn-disk-484331")
			.withBaseUrl("http://localhost:1/api/v2")
			.withRequestTimeout(Duration.ofSeconds(5))
			.withOperationTimeout(Duration.ofMinutes(3))
			.withPollInterval(Duration.ofMillis(10))
			.withMaxRetries(2)
			.withRetryBackoff(Duration.ofMillis(250)));
	}

	@Test
	void theEnvironmentVariablesNeonUsesAreRead() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("NEON_API_KEY", "napi_from_env", "NEON_PROJECT_ID", "from-variable",
									"NEON_API_POLL_INTERVAL", "2s")));
		NeonApiSettings settings = NeonApiEnvironment.settings(environment);
		assertThat(settings.key()).isEqualTo("napi_from_env");
		assertThat(settings.projectId()).isEqualTo("from-variable");
		assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void withNothingSetTheDefaultsApplyAndNothingIsConfigured() {
		NeonApiSettings settings = NeonApiEnvironment.settings(new MockEnvironment());
		assertThat(settings).isEqualTo(NeonApiSettings.of(null, null));
		assertThat(settings.isConfigured()).isFalse();
	}

	@Test
	void theProjectPropertyWinsOverTheVariable() {
		MockEnvironment environment = new MockEnvironment().withProperty("NEON_PROJECT_ID", "from-variable")
			.withProperty("neon.api.project-id", "from-property");
		assertThat(NeonApiEnvironment.settings(environment).projectId()).isEqualTo("from-property");
	}

	@Test
	void anInvalidValueIsNamed() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NeonApiEnvironment.settings(new MockEnvironment().withProperty("neon.api.poll-interval", "often")))
			.withMessageStartingWith("neon.api.poll-interval 'often' is not valid");
	}

}
