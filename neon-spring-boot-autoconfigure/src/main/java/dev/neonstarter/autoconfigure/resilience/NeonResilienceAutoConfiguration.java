package dev.neonstarter.autoconfigure.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code neon} circuit breaker and retry from Resilience4j's registries, configured by the standard
 * {@code resilience4j.circuitbreaker.instances.neon.*} / {@code resilience4j.retry.instances.neon.*}
 * properties, with Neon-aware defaults for whatever the application leaves unset
 * ({@link NeonResilienceDefaultsEnvironmentPostProcessor}).
 */
@AutoConfiguration(after = { CircuitBreakerAutoConfiguration.class, RetryAutoConfiguration.class })
@ConditionalOnClass({ CircuitBreaker.class, Retry.class })
public class NeonResilienceAutoConfiguration {

	/** Name of the circuit breaker and retry instances. */
	public static final String INSTANCE = "neon";

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

}
