package dev.neonstarter.jdbc.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.neonstarter.connection.NeonPoolerEndpointException;
import dev.neonstarter.pool.NeonHikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link NeonStartupChecks} does with a pool that fails its checks, without a server (the checks
 * themselves are tested with their rules and, through real startups, in {@code NeonStartupFailuresIntegrationTests}).
 */
class NeonStartupChecksTests {

	private static final String POOLED = "postgresql://app:app-secret@ep-cool-darkness-123456-pooler.us-east-2.aws"
			+ ".neon.tech/neondb?sslmode=require";

	@Test
	void aPoolThatFailsItsChecksIsClosed() {
		List<NeonHikariDataSource> pools = new CopyOnWriteArrayList<>();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class))
			.withBean("poolCollector", BeanPostProcessor.class, () -> new BeanPostProcessor() {
				@Override
				public Object postProcessBeforeInitialization(Object bean, String beanName) {
					if (bean instanceof NeonHikariDataSource pool) {
						pools.add(pool);
					}
					return bean;
				}
			})
			.withPropertyValues("neon.ssl.verify-on-startup=false", "neon.url=" + POOLED,
					"neon.direct.hikari.jdbc-url=jdbc:postgresql://ep-cool-darkness-123456-pooler.us-east-2.aws.neon"
							+ ".tech/neondb")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(NeonPoolerEndpointException.class));
		// The direct pool failed its checks: it never became a bean for the context to close.
		assertThat(pools).extracting(NeonHikariDataSource::getPoolName).contains("neon-direct");
		assertThat(pools).allSatisfy((pool) -> assertThat(pool.isClosed()).as(pool.getPoolName()).isTrue());
	}

}
