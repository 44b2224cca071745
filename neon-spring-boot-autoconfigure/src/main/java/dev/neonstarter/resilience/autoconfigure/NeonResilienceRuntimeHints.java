package dev.neonstarter.resilience.autoconfigure;

import dev.neonstarter.resilience.NeonTransientPredicate;
import dev.neonstarter.resilience.NeonUnavailablePredicate;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * What the Resilience4j defaults and registries load reflectively: the predicates that
 * {@link NeonResilienceDefaultsEnvironmentPostProcessor} names in {@code resilience4j.*} properties (Resilience4j
 * loads them by name and calls their no-argument constructor), and Resilience4j's property classes, which
 * {@link ResilienceRegistries} binds at run time when the application has no {@code resilience4j-spring-boot4}.
 */
class NeonResilienceRuntimeHints implements RuntimeHintsRegistrar {

	private static final String COMMON_CIRCUIT_BREAKER_PROPERTIES = "io.github.resilience4j.common.circuitbreaker."
			+ "configuration.CommonCircuitBreakerConfigurationProperties";

	private static final String COMMON_RETRY_PROPERTIES = "io.github.resilience4j.common.retry.configuration."
			+ "CommonRetryConfigurationProperties";

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		for (Class<?> predicate : new Class<?>[] { NeonTransientPredicate.class, NeonUnavailablePredicate.class }) {
			hints.reflection().registerType(predicate, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
		}
		if (ClassUtils.isPresent(COMMON_CIRCUIT_BREAKER_PROPERTIES, classLoader)
				&& ClassUtils.isPresent(COMMON_RETRY_PROPERTIES, classLoader)) {
			BindableRuntimeHintsRegistrar
				.forTypes(ClassUtils.resolveClassName(COMMON_CIRCUIT_BREAKER_PROPERTIES, classLoader),
						ClassUtils.resolveClassName(COMMON_RETRY_PROPERTIES, classLoader))
				.registerHints(hints, classLoader);
		}
	}

}
