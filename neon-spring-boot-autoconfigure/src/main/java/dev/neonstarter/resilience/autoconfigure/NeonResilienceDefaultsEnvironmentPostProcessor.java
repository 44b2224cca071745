package dev.neonstarter.resilience.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.neonstarter.jdbc.autoconfigure.NeonProperties;
import dev.neonstarter.resilience.NeonTransientPredicate;
import dev.neonstarter.resilience.NeonUnavailablePredicate;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Neon-aware defaults for the Resilience4j instances named {@code neon} (and the circuit breaker
 * {@code neon-replica} when a read replica is configured), as the lowest-precedence property source: every
 * {@code resilience4j.circuitbreaker.instances.neon.*} or {@code resilience4j.retry.instances.neon.*} property
 * the application sets wins, key by key.
 */
class NeonResilienceDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "neonResilienceDefaults";

	private static final String BREAKER = "resilience4j.circuitbreaker.instances.neon.";

	private static final String REPLICA_BREAKER = "resilience4j.circuitbreaker.instances."
			+ NeonResilienceAutoConfiguration.REPLICA_INSTANCE + ".";

	private static final String RETRY = "resilience4j.retry.instances.neon.";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!ClassUtils.isPresent("io.github.resilience4j.circuitbreaker.CircuitBreaker", getClass().getClassLoader())
				|| environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)
				|| !environment.getProperty("neon.enabled", Boolean.class, true)) {
			// With neon.enabled=false nothing of the starter exists, so neither do these instances.
			return;
		}
		// The replica's breaker only exists with a replica: Resilience4j creates every configured instance.
		boolean replica = StringUtils
			.hasText(environment.getProperty(NeonProperties.READ_REPLICA_URL));
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults(replica)));
	}

	static Map<String, Object> defaults(boolean replica) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		breakerDefaults(defaults, BREAKER);
		if (replica) {
			breakerDefaults(defaults, REPLICA_BREAKER);
		}
		// Neon recommends exponential backoff with jitter; a cold start takes a few hundred milliseconds, so
		// 4 attempts waiting about 0.5 s, 1 s, 2 s (each +/- 50 %) cover it without holding a request for long.
		defaults.put(RETRY + "max-attempts", "4");
		defaults.put(RETRY + "wait-duration", "500ms");
		defaults.put(RETRY + "enable-exponential-backoff", "true");
		defaults.put(RETRY + "exponential-backoff-multiplier", "2");
		defaults.put(RETRY + "exponential-max-wait-duration", "8s");
		defaults.put(RETRY + "enable-randomized-wait", "true");
		defaults.put(RETRY + "randomized-wait-factor", "0.5");
		defaults.put(RETRY + "retry-exception-predicate", NeonTransientPredicate.class.getName());
		return defaults;
	}

	private static void breakerDefaults(Map<String, Object> defaults, String prefix) {
		// Open on sustained unavailability: half of at least 5 calls in the last 10 s failing to reach the
		// database. Slow calls do not count, so one slow query never opens it. The window bounds how long a
		// busy application keeps trying a dead database: successes recorded before the outage age out of it
		// within 10 s (with 30 s, measured: the breaker took ~30 s to open under load).
		defaults.put(prefix + "sliding-window-type", "TIME_BASED");
		defaults.put(prefix + "sliding-window-size", "10");
		defaults.put(prefix + "minimum-number-of-calls", "5");
		defaults.put(prefix + "failure-rate-threshold", "50");
		defaults.put(prefix + "wait-duration-in-open-state", "5s");
		defaults.put(prefix + "permitted-number-of-calls-in-half-open-state", "3");
		defaults.put(prefix + "automatic-transition-from-open-to-half-open-enabled", "true");
		defaults.put(prefix + "record-failure-predicate", NeonUnavailablePredicate.class.getName());
		// Read only by resilience4j-spring-boot4's health indicator, which exists only when the application
		// enables it (management.health.circuitbreakers.enabled=true): then the breaker is in it.
		defaults.put(prefix + "register-health-indicator", "true");
	}

}
