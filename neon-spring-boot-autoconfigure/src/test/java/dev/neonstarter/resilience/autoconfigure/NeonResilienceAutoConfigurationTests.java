package dev.neonstarter.resilience.autoconfigure;

import java.sql.SQLException;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.resilience.NeonTransientErrors;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

class NeonResilienceAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer((context) -> new NeonResilienceDefaultsEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withConfiguration(AutoConfigurations.of(NeonResilienceAutoConfiguration.class));

	@Test
	void breakerHasNeonDefaultsAndCountsOnlyUnavailability() {
		this.runner.run((context) -> {
			CircuitBreaker breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
			assertThat(breaker.getName()).isEqualTo("neon");
			CircuitBreakerConfig config = breaker.getCircuitBreakerConfig();
			assertThat(config.getSlidingWindowType()).isEqualTo(CircuitBreakerConfig.SlidingWindowType.TIME_BASED);
			assertThat(config.getSlidingWindowSize()).isEqualTo(10);
			assertThat(config.getMinimumNumberOfCalls()).isEqualTo(5);
			assertThat(config.getFailureRateThreshold()).isEqualTo(50f);
			assertThat(config.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isTrue();
			assertThat(config.getRecordExceptionPredicate().test(new SQLException("gone", "08006"))).isTrue();
			assertThat(config.getRecordExceptionPredicate().test(new SQLException("dup", "23505"))).isFalse();
			assertThat(config.getRecordExceptionPredicate().test(new SQLException("race", "40001"))).isFalse();
		});
	}

	@Test
	void retryBacksOffExponentiallyWithJitterAndRetriesOnlyTransientFailures() {
		this.runner.run((context) -> {
			Retry retry = context.getBean("neonRetry", Retry.class);
			RetryConfig config = retry.getRetryConfig();
			assertThat(config.getMaxAttempts()).isEqualTo(4);
			assertThat(config.getExceptionPredicate().test(new SQLException("suspended", "57P01"))).isTrue();
			assertThat(config.getExceptionPredicate().test(new SQLException("race", "40001"))).isTrue();
			assertThat(config.getExceptionPredicate().test(new SQLException("dup", "23505"))).isFalse();
			assertThat(config.getExceptionPredicate()
				.test(CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("x"))))
				.isFalse();
			// Attempt 1 waits 500 ms +/- 50 %, attempt 3 waits 2 s +/- 50 %.
			for (int i = 0; i < 50; i++) {
				assertThat(config.getIntervalBiFunction().apply(1, null)).isBetween(250L, 750L);
				assertThat(config.getIntervalBiFunction().apply(3, null)).isBetween(1000L, 3000L);
			}
		});
	}

	@Test
	void applicationPropertiesWinKeyByKey() {
		this.runner
			.withPropertyValues("resilience4j.retry.instances.neon.max-attempts=2",
					"resilience4j.circuitbreaker.instances.neon.failure-rate-threshold=80")
			.run((context) -> {
				assertThat(context.getBean("neonRetry", Retry.class).getRetryConfig().getMaxAttempts()).isEqualTo(2);
				CircuitBreakerConfig breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class)
					.getCircuitBreakerConfig();
				assertThat(breaker.getFailureRateThreshold()).isEqualTo(80f);
				assertThat(breaker.getMinimumNumberOfCalls()).isEqualTo(5);
			});
	}

	@Test
	void withoutAReadReplicaThereIsNoReplicaBreaker() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean("neonReplicaCircuitBreaker");
			assertThat(context.getBean(CircuitBreakerRegistry.class).find(NeonResilienceAutoConfiguration.REPLICA_INSTANCE))
				.isEmpty();
			assertThat(context.getEnvironment()
				.containsProperty("resilience4j.circuitbreaker.instances.neon-replica.sliding-window-size")).isFalse();
		});
	}

	@Test
	void aReadReplicaGetsItsOwnBreakerWithTheSameDefaults() {
		this.runner
			.withPropertyValues("neon.read-replica.url=postgresql://ep-r-1.us-east-2.aws.neon.tech/neondb",
					"resilience4j.circuitbreaker.instances.neon-replica.wait-duration-in-open-state=2s")
			.run((context) -> {
				CircuitBreakerConfig neon = context.getBean("neonCircuitBreaker", CircuitBreaker.class)
					.getCircuitBreakerConfig();
				CircuitBreakerConfig replica = context.getBean(CircuitBreakerRegistry.class)
					.circuitBreaker(NeonResilienceAutoConfiguration.REPLICA_INSTANCE)
					.getCircuitBreakerConfig();
				assertThat(replica.getSlidingWindowType()).isEqualTo(neon.getSlidingWindowType());
				assertThat(replica.getSlidingWindowSize()).isEqualTo(neon.getSlidingWindowSize());
				assertThat(replica.getMinimumNumberOfCalls()).isEqualTo(neon.getMinimumNumberOfCalls());
				assertThat(replica.getFailureRateThreshold()).isEqualTo(neon.getFailureRateThreshold());
				assertThat(replica.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isTrue();
				assertThat(replica.getRecordExceptionPredicate().test(new SQLException("gone", "08006"))).isTrue();
				assertThat(replica.getRecordExceptionPredicate().test(new SQLException("dup", "23505"))).isFalse();
				// Its own properties win, key by key, without changing the primary's breaker.
				assertThat(replica.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(2000L);
				assertThat(neon.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(5000L);
			});
	}

	@Test
	void aReplicaConfiguredAfterStartupUsesThePrimaryBreakersConfiguration() {
		// No neon.read-replica.url when the defaults were added, so Resilience4j has no neon-replica instance.
		this.runner.withPropertyValues("resilience4j.circuitbreaker.instances.neon.failure-rate-threshold=70",
				"neon.resilience.fail-fast=false")
			.withBean(NeonDataSources.REPLICA_BEAN_NAME, DataSource.class, SimpleDriverDataSource::new)
			.run((context) -> {
				CircuitBreaker replica = context.getBean("neonReplicaCircuitBreaker", CircuitBreaker.class);
				assertThat(replica.getName()).isEqualTo(NeonResilienceAutoConfiguration.REPLICA_INSTANCE);
				assertThat(replica.getCircuitBreakerConfig())
					.isSameAs(context.getBean("neonCircuitBreaker", CircuitBreaker.class).getCircuitBreakerConfig());
				assertThat(replica.getCircuitBreakerConfig().getFailureRateThreshold()).isEqualTo(70f);
				// Injected by type, a CircuitBreaker is still the primary's.
				assertThat(context.getBean(CircuitBreaker.class).getName()).isEqualTo("neon");
			});
	}

	@Test
	void registriesReadResilience4jsSharedConfigsTagsAndCustomizers() {
		this.runner
			.withPropertyValues("resilience4j.circuitbreaker.configs.strict.failure-rate-threshold=20",
					"resilience4j.circuitbreaker.configs.strict.minimum-number-of-calls=2",
					"resilience4j.circuitbreaker.instances.neon.base-config=strict",
					"resilience4j.circuitbreaker.instances.payments.base-config=strict",
					"resilience4j.circuitbreaker.tags.team=storage",
					"resilience4j.retry.instances.neon.max-attempts=6")
			.withBean(CircuitBreakerConfigCustomizer.class,
					() -> CircuitBreakerConfigCustomizer.of("neon", (builder) -> builder.slowCallRateThreshold(42)))
			.run((context) -> {
				CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
				// Instances are created up front, as with resilience4j-spring-boot4.
				assertThat(registry.find("payments")).isPresent();
				CircuitBreakerConfig neon = context.getBean("neonCircuitBreaker", CircuitBreaker.class)
					.getCircuitBreakerConfig();
				// The instance's own keys (here the Neon defaults) win over its base config, which wins over
				// Resilience4j's defaults.
				assertThat(neon.getMinimumNumberOfCalls()).isEqualTo(5);
				assertThat(neon.getFailureRateThreshold()).isEqualTo(50f);
				assertThat(registry.circuitBreaker("payments").getCircuitBreakerConfig().getFailureRateThreshold())
					.isEqualTo(20f);
				assertThat(neon.getSlowCallRateThreshold()).isEqualTo(42f);
				assertThat(context.getBean("neonCircuitBreaker", CircuitBreaker.class).getTags())
					.containsEntry("team", "storage");
				assertThat(context.getBean(RetryRegistry.class).retry("neon").getRetryConfig().getMaxAttempts())
					.isEqualTo(6);
			});
	}

	@Test
	void breakerAndRetryMetersAreBound() {
		this.runner
			.withConfiguration(
					AutoConfigurations.of(MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.run((context) -> {
				context.getBean("neonCircuitBreaker", CircuitBreaker.class).transitionToOpenState();
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("resilience4j.circuitbreaker.state")
					.tags("name", "neon", "state", "open")
					.gauge()
					.value()).isEqualTo(1.0);
				assertThat(meters.get("resilience4j.retry.calls").tags("name", "neon").functionCounters()).isNotEmpty();
			});
	}

	@Test
	void anApplicationsOwnRegistryIsUsed() {
		CircuitBreakerRegistry own = CircuitBreakerRegistry.ofDefaults();
		this.runner.withBean(CircuitBreakerRegistry.class, () -> own).run((context) -> {
			assertThat(context).hasSingleBean(CircuitBreakerRegistry.class)
				.doesNotHaveBean(TaggedCircuitBreakerMetrics.class);
			assertThat(own.find("neon")).containsSame(context.getBean("neonCircuitBreaker", CircuitBreaker.class));
		});
	}

	@Test
	void classifierIsABean() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(NeonTransientErrors.class));
	}

	@Test
	void defaultsAreRegisteredForRealApplications() {
		SpringApplication application = new SpringApplication(Empty.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run()) {
			assertThat(context.getEnvironment().getProperty("resilience4j.retry.instances.neon.max-attempts"))
				.isEqualTo("4");
			assertThat(context.getEnvironment().getPropertySources()
				.contains(NeonResilienceDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isTrue();
		}
	}

	/**
	 * Applications that add {@code resilience4j-spring-boot4} themselves: the neon instances come from its
	 * registries, with the same defaults, and it binds the meters.
	 */
	@Nested
	class WithResilience4jSpringBoot {

		private final ApplicationContextRunner runner = NeonResilienceAutoConfigurationTests.this.runner
			.withConfiguration(AutoConfigurations.of(CircuitBreakerAutoConfiguration.class, RetryAutoConfiguration.class));

		@Test
		void neonInstancesComeFromItsRegistriesWithTheNeonDefaults() {
			this.runner.withPropertyValues("resilience4j.circuitbreaker.instances.neon.failure-rate-threshold=80")
				.run((context) -> {
					assertThat(context).hasSingleBean(CircuitBreakerRegistry.class)
						.hasSingleBean(RetryRegistry.class)
						.doesNotHaveBean(TaggedCircuitBreakerMetrics.class)
						.doesNotHaveBean("neonRetryMetrics");
					CircuitBreaker breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
					assertThat(context.getBean(CircuitBreakerRegistry.class).find("neon")).containsSame(breaker);
					CircuitBreakerConfig config = breaker.getCircuitBreakerConfig();
					assertThat(config.getFailureRateThreshold()).isEqualTo(80f);
					assertThat(config.getSlidingWindowSize()).isEqualTo(10);
					assertThat(config.getRecordExceptionPredicate().test(new SQLException("gone", "08006"))).isTrue();
					assertThat(config.getRecordExceptionPredicate().test(new SQLException("dup", "23505"))).isFalse();
					assertThat(context.getBean("neonRetry", Retry.class).getRetryConfig().getMaxAttempts())
						.isEqualTo(4);
				});
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

}
