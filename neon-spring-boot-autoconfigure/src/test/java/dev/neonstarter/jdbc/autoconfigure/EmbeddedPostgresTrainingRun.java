package dev.neonstarter.jdbc.autoconfigure;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.DefaultLifecycleProcessor;

/**
 * An application on the embedded PostgreSQL in Spring's training run for the JDK's AOT cache
 * ({@code -Dspring.context.exit=onRefresh}), which halts the JVM once the context is refreshed
 * ({@link NeonEmbeddedPostgresIntegrationTests}).
 */
public final class EmbeddedPostgresTrainingRun {

	private EmbeddedPostgresTrainingRun() {
	}

	public static void main(String[] args) {
		// As -Dspring.context.exit=onRefresh: read when Spring's lifecycle processor is first loaded, after this.
		System.setProperty(DefaultLifecycleProcessor.EXIT_PROPERTY_NAME, DefaultLifecycleProcessor.ON_REFRESH_VALUE);
		new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.properties("neon.embedded.enabled=true", "spring.flyway.locations=classpath:db/embedded-migration")
			.run();
		System.out.println("not halted");
	}

	/** With Spring Boot's lifecycle processor, as in every application: it is the one that halts. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LifecycleAutoConfiguration.class, NeonDataSourceAutoConfiguration.class,
			DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class })
	static class Application {

	}

}
