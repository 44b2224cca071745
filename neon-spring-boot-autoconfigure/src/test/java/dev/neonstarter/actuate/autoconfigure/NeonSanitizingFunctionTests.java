package dev.neonstarter.actuate.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint.EnvironmentEntryDescriptor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With values shown ({@code show-values=always}), {@code /actuator/env} keeps the Neon passwords hidden and the
 * rest of the connection strings readable.
 */
class NeonSanitizingFunctionTests {

	private static final String URL = "postgresql://app:s3cr%40t@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require";

	private final NeonSanitizingFunction function = new NeonSanitizingFunction();

	@Test
	void masksThePasswordOfConnectionStrings() {
		for (String key : new String[] { "DATABASE_URL", "DIRECT_URL", "READ_REPLICA_URL", "neon.url", "neon.direct-url",
				"neon.read-replica.url", "spring.datasource.url", "SPRING_DATASOURCE_URL" }) {
			assertThat(sanitize(key, URL)).as(key)
				.isEqualTo("postgresql://app:******@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require");
		}
		assertThat(sanitize("neon.url", "jdbc:postgresql://host:5432/db?user=app&password=s3cret&sslpassword=k3y"))
			.isEqualTo("jdbc:postgresql://host:5432/db?user=app&password=******&sslpassword=******");
		assertThat(sanitize("neon.url", "jdbc:postgresql://host:5432/db?sslmode=require"))
			.isEqualTo("jdbc:postgresql://host:5432/db?sslmode=require");
	}

	@Test
	void masksPasswordsTheParserAcceptsWithRawSeparators() {
		// The parser reads the user information up to the last @ before the first /, as libpq does.
		assertThat(sanitize("DATABASE_URL", "postgresql://alice:pa?ss@ep-x.us-east-2.aws.neon.tech/db"))
			.isEqualTo("postgresql://alice:******@ep-x.us-east-2.aws.neon.tech/db");
		assertThat(sanitize("DATABASE_URL", "postgresql://alice@corp.com:s3cret@ep-x.us-east-2.aws.neon.tech/db"))
			.isEqualTo("postgresql://alice@corp.com:******@ep-x.us-east-2.aws.neon.tech/db");
		assertThat(sanitize("DATABASE_URL", "postgresql://alice:p#s@w0rd@ep-x.us-east-2.aws.neon.tech"))
			.isEqualTo("postgresql://alice:******@ep-x.us-east-2.aws.neon.tech");
		assertThat(sanitize("DATABASE_URL", "postgresql://alice@ep-x.us-east-2.aws.neon.tech:5432/db?options=a@b"))
			.isEqualTo("postgresql://alice@ep-x.us-east-2.aws.neon.tech:5432/db?options=a@b");
	}

	@Test
	void masksNeonPasswordsAndTheApiKeyWhole() {
		for (String key : new String[] { "neon.password", "neon.direct.password", "neon.pooled.hikari.password",
				"neon.direct.hikari.password", "neon.read-replica.hikari.password",
				"neon.pooled.hikari.data-source-properties.sslpassword", "NEON_API_KEY", "neon.api.key" }) {
			assertThat(sanitize(key, "s3cret")).as(key).isEqualTo(SanitizableData.SANITIZED_VALUE);
		}
	}

	@Test
	void leavesOtherPropertiesAlone() {
		assertThat(sanitize("neon.username", "app")).isEqualTo("app");
		assertThat(sanitize("server.port", "8080")).isEqualTo("8080");
	}

	@Test
	void appliesToTheEnvironmentEndpoint() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(NeonActuatorAutoConfiguration.class))
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("test", Map.of("DATABASE_URL", URL, "neon.password", "s3cret"))))
			.run((context) -> {
				// As Spring Boot's EnvironmentEndpointAutoConfiguration builds it, values shown.
				EnvironmentEndpoint endpoint = new EnvironmentEndpoint(context.getEnvironment(),
						context.getBeanProvider(SanitizingFunction.class).orderedStream().toList(), Show.ALWAYS);
				EnvironmentEntryDescriptor url = endpoint.environmentEntry("DATABASE_URL");
				assertThat(url.getProperty().getValue()).asString()
					.contains("app:******@ep-cool-darkness")
					.doesNotContain("s3cr");
				assertThat(endpoint.environmentEntry("neon.password").getProperty().getValue())
					.isEqualTo(SanitizableData.SANITIZED_VALUE);
			});
	}

	@Test
	void backsOffWhenDisabled() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(NeonActuatorAutoConfiguration.class))
			.withPropertyValues("neon.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SanitizingFunction.class));
	}

	private String sanitize(String key, String value) {
		return (String) this.function.apply(new SanitizableData(null, key, value)).getValue();
	}

}
