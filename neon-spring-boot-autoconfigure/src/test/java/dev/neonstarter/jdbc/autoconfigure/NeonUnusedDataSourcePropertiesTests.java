package dev.neonstarter.jdbc.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class NeonUnusedDataSourcePropertiesTests {

	@Test
	void settingsInEveryFormAreNamedWithoutTheirValues(CapturedOutput output) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("application", Map.of("spring.datasource.hikari.maximum-pool-size", "30",
					"spring.datasource.hikari.data-source-properties.password", "s3cret-value",
					"spring.datasource.url", "jdbc:postgresql://ep-x.neon.tech/db", "neon.pooled.hikari.pool-name", "p")));
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment",
					Map.of("SPRING_DATASOURCE_HIKARI_LEAKDETECTIONTHRESHOLD", "2000")));
		assertThat(NeonUnusedDataSourceProperties.hikariSettings(environment))
			.containsExactly("data-source-properties", "leakdetectionthreshold", "maximum-pool-size");
		NeonUnusedDataSourceProperties.warnIfSet(environment);
		assertThat(output).contains("spring.datasource.hikari.* is not used by the Neon pools: data-source-properties,"
				+ " leakdetectionthreshold, maximum-pool-size. Set them as neon.pooled.hikari.*")
			.doesNotContain("s3cret-value")
			.doesNotContain("2000");
	}

	@Test
	void springBootsOtherDataSourceSettingsAreNamed(CapturedOutput output) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("application",
					Map.of("spring.datasource.name", "orders", "spring.datasource.connection-fetch", "lazy")));
		NeonUnusedDataSourceProperties.warnIfSet(environment);
		assertThat(output).contains("spring.datasource.name is not used by the Neon pools: they are named by"
				+ " neon.pooled.hikari.pool-name")
			.contains("spring.datasource.connection-fetch is not used by the Neon pools")
			.doesNotContain("spring.datasource.type")
			.doesNotContain("orders");
	}

	@Test
	void nothingIsSaidWithoutThem(CapturedOutput output) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("application", Map.of("spring.datasource.url", "jdbc:h2:mem:x",
					"spring.datasource.hikari", "")));
		assertThat(NeonUnusedDataSourceProperties.hikariSettings(environment)).isEmpty();
		NeonUnusedDataSourceProperties.warnIfSet(environment);
		assertThat(output).doesNotContain("spring.datasource.hikari");
	}

}
