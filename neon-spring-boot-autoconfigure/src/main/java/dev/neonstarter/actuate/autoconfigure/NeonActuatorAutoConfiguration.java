package dev.neonstarter.actuate.autoconfigure;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * What the starter adds to Spring Boot's Actuator endpoints: a {@link SanitizingFunction} that keeps the Neon
 * passwords out of {@code /actuator/env} and {@code /actuator/configprops}.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
@ConditionalOnBooleanProperty(name = "neon.enabled", matchIfMissing = true)
public final class NeonActuatorAutoConfiguration {

	@Bean
	SanitizingFunction neonSanitizingFunction() {
		return new NeonSanitizingFunction();
	}

}
