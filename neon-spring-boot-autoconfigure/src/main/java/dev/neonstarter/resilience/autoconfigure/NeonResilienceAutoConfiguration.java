package dev.neonstarter.resilience.autoconfigure;

import java.util.Arrays;
import java.util.List;

import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.jdbc.autoconfigure.NeonDataSourceAutoConfiguration;
import dev.neonstarter.pool.ConnectionGuard;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonEndpointMonitor;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.resilience.CircuitBreakerConnectionGuard;
import dev.neonstarter.resilience.NeonOperations;
import dev.neonstarter.resilience.NeonTransientErrors;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.github.resilience4j.common.retry.configuration.RetryConfigCustomizer;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * The {@code neon} circuit breaker and retry, configured by the standard
 * {@code resilience4j.circuitbreaker.instances.neon.*} / {@code resilience4j.retry.instances.neon.*}
 * properties, with Neon-aware defaults for whatever the application leaves unset
 * ({@link NeonResilienceDefaultsEnvironmentPostProcessor}); with a read replica, also its own breaker
 * {@code neon-replica} with the same defaults. The instances come from the application's Resilience4j
 * registries when it has them (its own beans, or {@code resilience4j-spring-boot4}); otherwise from registries
 * built here from the same properties, with Resilience4j's meters bound to Micrometer.
 */
@AutoConfiguration(
		afterName = { "io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
				"io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration" },
		after = { NeonDataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class })
@ConditionalOnClass({ CircuitBreaker.class, Retry.class })
@ConditionalOnBooleanProperty(name = "neon.enabled", matchIfMissing = true)
@EnableConfigurationProperties(NeonResilienceProperties.class)
public final class NeonResilienceAutoConfiguration {

	/** Name of the circuit breaker and retry instances. */
	public static final String INSTANCE = "neon";

	/** Name of the read replica's circuit breaker instance. */
	public static final String REPLICA_INSTANCE = "neon-replica";

	@Bean
	@ConditionalOnMissingBean
	NeonTransientErrors neonTransientErrors() {
		return new NeonTransientErrors();
	}

	@Bean
	@ConditionalOnBean(CircuitBreakerRegistry.class)
	@ConditionalOnMissingBean(name = "neonCircuitBreaker")
	CircuitBreaker neonCircuitBreaker(CircuitBreakerRegistry registry) {
		return registry.circuitBreaker(INSTANCE);
	}

	@Bean
	@ConditionalOnBean(RetryRegistry.class)
	@ConditionalOnMissingBean(name = "neonRetry")
	Retry neonRetry(RetryRegistry registry) {
		return registry.retry(INSTANCE);
	}

	@Bean
	@ConditionalOnBean(name = "neonRetry")
	@ConditionalOnMissingBean
	NeonOperations neonOperations(@Qualifier("neonRetry") Retry retry,
			ObjectProvider<PlatformTransactionManager> transactionManager) {
		PlatformTransactionManager manager = transactionManager.getIfUnique();
		return new NeonOperations(retry, (manager != null) ? new TransactionTemplate(manager) : null);
	}

	/**
	 * Puts the pooled DataSource behind the breaker, so that while Neon is down callers fail fast with
	 * {@link NeonUnavailableException} instead of waiting the connection timeout.
	 */
	@Bean
	@ConditionalOnBean(name = { NeonDataSources.POOLED_BEAN_NAME, "neonCircuitBreaker" })
	@ConditionalOnBooleanProperty(name = "neon.resilience.fail-fast", matchIfMissing = true)
	ConnectionGuard neonPooledConnectionGuard(NeonDataSources pools,
			@Qualifier("neonCircuitBreaker") CircuitBreaker breaker) {
		return guard(pools.pooled(), breaker);
	}

	/**
	 * The read replica's own breaker: a replica outage opens it without touching the primary's, and while it
	 * is open read-only work falls back to the primary at once. Not a default candidate, so that a
	 * {@code CircuitBreaker} injected by type is still {@code neon}.
	 */
	@Bean(defaultCandidate = false)
	@ConditionalOnBean(value = CircuitBreakerRegistry.class, name = NeonDataSources.REPLICA_BEAN_NAME)
	@ConditionalOnMissingBean(name = "neonReplicaCircuitBreaker")
	CircuitBreaker neonReplicaCircuitBreaker(CircuitBreakerRegistry registry) {
		// Resilience4j creates the configured instances up front: resilience4j.circuitbreaker.instances.
		// neon-replica.* with the Neon defaults, when the replica URL was in the environment at startup. A URL
		// only added later (e.g. by an initializer) finds none: then use the primary's breaker configuration.
		return registry.find(REPLICA_INSTANCE)
			.orElseGet(() -> registry.circuitBreaker(REPLICA_INSTANCE,
					registry.circuitBreaker(INSTANCE).getCircuitBreakerConfig()));
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnBean(name = { NeonDataSources.REPLICA_BEAN_NAME, "neonReplicaCircuitBreaker" })
	@ConditionalOnBooleanProperty(name = "neon.resilience.fail-fast", matchIfMissing = true)
	ConnectionGuard neonReplicaConnectionGuard(NeonDataSources pools,
			@Qualifier("neonReplicaCircuitBreaker") CircuitBreaker breaker) {
		NeonHikariDataSource replica = pools.replica();
		Assert.state(replica != null, "No read replica pool although its bean exists");
		return guard(replica, breaker);
	}

	/**
	 * The circuit breaker registry for applications without {@code resilience4j-spring-boot4} or a registry of
	 * their own (the starter brings only Resilience4j's core modules: that module's ~50 beans added about 280 ms
	 * to a minimal application's startup, measured), with Resilience4j's meters
	 * ({@code resilience4j.circuitbreaker.*}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(CircuitBreakerConfigCustomizer.class)
	@ConditionalOnMissingBean(CircuitBreakerRegistry.class)
	static class CircuitBreakerRegistryConfiguration {

		@Bean
		CircuitBreakerRegistry circuitBreakerRegistry(Environment environment,
				ObjectProvider<CircuitBreakerConfigCustomizer> customizers) {
			return ResilienceRegistries.circuitBreakerRegistry(Binder.get(environment), customizers);
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass({ MeterBinder.class, TaggedCircuitBreakerMetrics.class })
		static class CircuitBreakerMetricsConfiguration {

			@Bean
			TaggedCircuitBreakerMetrics neonCircuitBreakerMetrics(CircuitBreakerRegistry circuitBreakerRegistry) {
				return TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(circuitBreakerRegistry);
			}

		}

	}

	/**
	 * The retry registry for applications without {@code resilience4j-spring-boot4} or a registry of their own,
	 * with Resilience4j's meters ({@code resilience4j.retry.*}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RetryConfigCustomizer.class)
	@ConditionalOnMissingBean(RetryRegistry.class)
	static class RetryRegistryConfiguration {

		@Bean
		RetryRegistry retryRegistry(Environment environment, ObjectProvider<RetryConfigCustomizer> customizers) {
			return ResilienceRegistries.retryRegistry(Binder.get(environment), customizers);
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass({ MeterBinder.class, TaggedRetryMetrics.class })
		static class RetryMetricsConfiguration {

			@Bean
			TaggedRetryMetrics neonRetryMetrics(RetryRegistry retryRegistry) {
				return TaggedRetryMetrics.ofRetryRegistry(retryRegistry);
			}

		}

	}

	/**
	 * The starter excludes Resilience4j's bulkhead, rate limiter and time limiter modules (it needs neither), so
	 * an application that adds {@code resilience4j-spring-boot4} without them would have its {@code @Bulkhead},
	 * {@code @RateLimiter} and {@code @TimeLimiter} annotations silently ignored: say so once at startup.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration")
	static class Resilience4jModulesCheck {

		static final String[][] MODULES = { { "io.github.resilience4j.bulkhead.Bulkhead", "resilience4j-bulkhead" },
				{ "io.github.resilience4j.ratelimiter.RateLimiter", "resilience4j-ratelimiter" },
				{ "io.github.resilience4j.timelimiter.TimeLimiter", "resilience4j-timelimiter" } };

		Resilience4jModulesCheck() {
			ClassLoader classLoader = getClass().getClassLoader();
			List<String> missing = Arrays.stream(MODULES)
				.filter((module) -> !ClassUtils.isPresent(module[0], classLoader))
				.map((module) -> "io.github.resilience4j:" + module[1])
				.toList();
			if (!missing.isEmpty()) {
				LogFactory.getLog(NeonResilienceAutoConfiguration.class)
					.warn("resilience4j-spring-boot4 is on the classpath without " + String.join(", ", missing)
							+ " (the Neon starter does not bring them): their annotations (@Bulkhead, @RateLimiter,"
							+ " @TimeLimiter) are not applied. Add those dependencies if the application uses them.");
			}
		}

	}

	private static ConnectionGuard guard(NeonHikariDataSource pool, CircuitBreaker breaker) {
		CircuitBreakerConnectionGuard guard = new CircuitBreakerConnectionGuard(breaker, pool.getPoolName());
		pool.setConnectionGuard(guard);
		pool.queries().addListener(guard);
		followMonitor(pool.monitor(), breaker);
		return guard;
	}

	/**
	 * The pool's endpoint monitor drives the breaker: forced open the moment the endpoint is down (so its
	 * state, meters and the readiness it feeds show the outage at once), closed the moment a connection
	 * succeeds again (no open wait, no half-open trial: the monitor has just proven the endpoint answers).
	 * The failure-rate window still opens it for failures the monitor does not see, such as connections
	 * broken mid-statement.
	 */
	static void followMonitor(NeonEndpointMonitor monitor, CircuitBreaker breaker) {
		monitor.onTransition((state) -> {
			if (state == NeonEndpointMonitor.State.DOWN) {
				breaker.transitionToForcedOpenState();
			}
			else if (breaker.getState() == CircuitBreaker.State.FORCED_OPEN) {
				breaker.transitionToClosedState();
			}
		});
	}

}
