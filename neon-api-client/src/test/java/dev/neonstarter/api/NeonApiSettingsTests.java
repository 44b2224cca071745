package dev.neonstarter.api;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class NeonApiSettingsTests {

	@Test
	void defaultsAreTheDocumentedOnes() {
		NeonApiSettings settings = NeonApiSettings.of("napi_k", "autumn-disk-484331");
		assertThat(settings.baseUrl()).isEqualTo("https://console.neon.tech/api/v2");
		assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(settings.operationTimeout()).isEqualTo(Duration.ofMinutes(2));
		assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(settings.maxRetries()).isEqualTo(5);
		assertThat(settings.retryBackoff()).isEqualTo(Duration.ofSeconds(1));
		assertThat(settings.isConfigured()).isTrue();
	}

	@Test
	void withersChangeOneSettingAndLeaveTheOriginalAlone() {
		NeonApiSettings original = NeonApiSettings.of("napi_k", "p");
		NeonApiSettings changed = original.withMaxRetries(2).withBaseUrl("http://localhost:1/api/v2");
		assertThat(changed.maxRetries()).isEqualTo(2);
		assertThat(changed.baseUrl()).isEqualTo("http://localhost:1/api/v2");
		assertThat(original.maxRetries()).isEqualTo(5);
		assertThat(changed).isNotEqualTo(original).isEqualTo(original.withMaxRetries(2).withBaseUrl("http://localhost:1/api/v2"));
	}

	@Test
	void aKeyAloneOrABlankProjectIsNotConfigured() {
		assertThat(NeonApiSettings.of("napi_k", null).isConfigured()).isFalse();
		assertThat(NeonApiSettings.of("napi_k", " ").isConfigured()).isFalse();
		assertThat(NeonApiSettings.of(null, "p").isConfigured()).isFalse();
	}

	@Test
	void toStringNeverShowsTheKey() {
		assertThat(NeonApiSettings.of("napi_secret_123", "p").toString()).contains("key=****", "projectId=p")
			.doesNotContain("napi_secret_123");
		assertThat(NeonApiSettings.of(null, "p").toString()).contains("key=unset");
	}

	@Test
	void impossibleValuesAreRefused() {
		NeonApiSettings settings = NeonApiSettings.of("k", "p");
		assertThatIllegalArgumentException().isThrownBy(() -> settings.withRequestTimeout(Duration.ZERO))
			.withMessageContaining("request timeout must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> settings.withMaxRetries(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> settings.withPollInterval(Duration.ofSeconds(-1)));
		assertThatIllegalArgumentException().isThrownBy(() -> settings.withBaseUrl(" "));
	}

}
