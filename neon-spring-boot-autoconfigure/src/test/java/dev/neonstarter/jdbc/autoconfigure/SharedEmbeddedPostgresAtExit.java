package dev.neonstarter.jdbc.autoconfigure;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * A JVM whose context is on the shared embedded PostgreSQL of tests and is closed by Spring Boot's shutdown hook
 * while the server's own hook stops the server, as the cached contexts of a test run are
 * ({@link NeonEmbeddedPostgresIntegrationTests}).
 */
public final class SharedEmbeddedPostgresAtExit {

	private SharedEmbeddedPostgresAtExit() {
	}

	public static void main(String[] args) {
		new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.properties("neon.embedded.replace=true", "neon.url=" + NeonEmbeddedPostgresIntegrationTests.ELSEWHERE)
			.run();
		System.exit(0);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ NeonDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class })
	static class Application {

	}

}
