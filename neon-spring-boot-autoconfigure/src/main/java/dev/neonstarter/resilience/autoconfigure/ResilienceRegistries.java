package dev.neonstarter.resilience.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.CompositeCustomizer;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties;
import io.github.resilience4j.common.retry.configuration.CommonRetryConfigurationProperties;
import io.github.resilience4j.common.retry.configuration.RetryConfigCustomizer;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Resilience4j registries built from the standard {@code resilience4j.circuitbreaker.*} and
 * {@code resilience4j.retry.*} properties, bound to Resilience4j's own property classes, the way
 * {@code resilience4j-spring-boot4} reads them: shared {@code configs}, {@code instances} (created up front),
 * {@code base-config}, {@code tags}, and {@link CircuitBreakerConfigCustomizer}/{@link RetryConfigCustomizer}
 * beans. What it leaves out is the rest of that module: AOP annotations, actuator endpoints, event buffers.
 */
final class ResilienceRegistries {

	static final String CIRCUIT_BREAKER_PREFIX = "resilience4j.circuitbreaker";

	static final String RETRY_PREFIX = "resilience4j.retry";

	private ResilienceRegistries() {
	}

	static CircuitBreakerRegistry circuitBreakerRegistry(Binder binder,
			ObjectProvider<CircuitBreakerConfigCustomizer> customizers) {
		CommonCircuitBreakerConfigurationProperties properties = binder
			.bind(CIRCUIT_BREAKER_PREFIX, CommonCircuitBreakerConfigurationProperties.class)
			.orElseGet(CommonCircuitBreakerConfigurationProperties::new);
		CompositeCustomizer<CircuitBreakerConfigCustomizer> customizer = new CompositeCustomizer<>(
				customizers.orderedStream().toList());
		Map<String, CircuitBreakerConfig> configs = new LinkedHashMap<>();
		properties.getConfigs()
			.forEach((name, config) -> configs.put(name, properties.createCircuitBreakerConfig(name, config, customizer)));
		CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(configs, Map.copyOf(properties.getTags()));
		properties.getInstances()
			.forEach((name, instance) -> registry.circuitBreaker(name,
					properties.createCircuitBreakerConfig(name, instance, customizer)));
		return registry;
	}

	static RetryRegistry retryRegistry(Binder binder, ObjectProvider<RetryConfigCustomizer> customizers) {
		CommonRetryConfigurationProperties properties = binder
			.bind(RETRY_PREFIX, CommonRetryConfigurationProperties.class)
			.orElseGet(CommonRetryConfigurationProperties::new);
		CompositeCustomizer<RetryConfigCustomizer> customizer = new CompositeCustomizer<>(
				customizers.orderedStream().toList());
		Map<String, RetryConfig> configs = new LinkedHashMap<>();
		properties.getConfigs()
			.forEach((name, config) -> configs.put(name, properties.createRetryConfig(config, customizer, name)));
		RetryRegistry registry = RetryRegistry.of(configs, Map.copyOf(properties.getTags()));
		properties.getInstances()
			.keySet()
			.forEach((name) -> registry.retry(name, properties.createRetryConfig(name, customizer)));
		return registry;
	}

}
