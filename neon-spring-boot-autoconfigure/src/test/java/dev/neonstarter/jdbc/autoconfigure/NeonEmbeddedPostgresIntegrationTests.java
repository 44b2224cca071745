package dev.neonstarter.jdbc.autoconfigure;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class NeonEmbeddedPostgresIntegrationTests {

	@Test
	void embeddedDefaultServesBothPoolsAndFlyway() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
					DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("neon.embedded.enabled=true", "spring.flyway.locations=classpath:db/embedded-migration")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(EmbeddedPostgres.class);
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				assertThat(jdbc.queryForObject("SELECT count(*) FROM embedded_check", Integer.class)).isEqualTo(1);
				assertThat(jdbc.queryForObject("SHOW server_version_num", Integer.class)).isGreaterThan(140000);
			});
	}

	@Test
	void theEmbeddedPostgresShutdownHookDoesNotHoldTheApplicationClassLoader() throws Exception {
		// EmbeddedPostgres registers a shutdown hook that close() leaves registered until the JVM exits. A thread
		// takes its creator's context class loader: seen here as the hook is created, on the creating thread.
		List<ClassLoader> hookClassLoaders = new CopyOnWriteArrayList<>();
		InheritableThreadLocal<Boolean> watch = new InheritableThreadLocal<>() {

			@Override
			protected Boolean childValue(Boolean parentValue) {
				if (StackWalker.getInstance().walk((frames) -> frames.anyMatch(this::createsTheHook))) {
					hookClassLoaders.add(Thread.currentThread().getContextClassLoader());
				}
				return parentValue;
			}

			private boolean createsTheHook(StackWalker.StackFrame frame) {
				return frame.getClassName().equals(EmbeddedPostgres.class.getName())
						&& frame.getMethodName().equals("newCloserThread");
			}

		};
		Thread thread = Thread.currentThread();
		ClassLoader original = thread.getContextClassLoader();
		// What Spring Boot DevTools' restart class loader is to an application: one per context.
		try (URLClassLoader application = new URLClassLoader(new URL[0], original)) {
			watch.set(true);
			thread.setContextClassLoader(application);
			try {
				new ApplicationContextRunner()
					.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
							DataSourceAutoConfiguration.class))
					.withPropertyValues("neon.embedded.enabled=true")
					.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(EmbeddedPostgres.class));
			}
			finally {
				thread.setContextClassLoader(original);
				watch.remove();
			}
			assertThat(hookClassLoaders).containsExactly(EmbeddedPostgres.class.getClassLoader())
				.doesNotContain(application);
		}
	}

}
