package dev.neonstarter.query.autoconfigure;

import dev.neonstarter.jdbc.autoconfigure.NeonDataSourceAutoConfiguration;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.query.NeonQueryObservationConvention;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Observes statements executed through the Neon pools with the application's {@link ObservationRegistry}
 * (Spring Boot's, with Actuator): observation {@code neon.queries}, which Spring Boot's metrics turn into the
 * {@code neon.queries} timer and a tracer into a span per statement. A {@link NeonQueryObservationConvention}
 * bean replaces the default names and tags; {@code management.observations.enable.neon.queries=false} turns
 * the observation off.
 */
@AutoConfiguration(after = NeonDataSourceAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ ObservationRegistry.class, NeonDataSources.class })
public final class NeonObservationAutoConfiguration {

	/**
	 * Sets the registry on the pools once every singleton exists: what runs while the context starts (the
	 * startup checks, Flyway's migration) is not observed, everything after is.
	 */
	@Bean
	SmartInitializingSingleton neonQueryObservation(NeonDataSources pools,
			ObjectProvider<ObservationRegistry> registry, ObjectProvider<NeonQueryObservationConvention> convention) {
		return () -> {
			ObservationRegistry observationRegistry = registry.getObject();
			NeonQueryObservationConvention custom = convention.getIfUnique();
			pools.all().forEach((pool) -> pool.queries().observe(observationRegistry, custom));
		};
	}

}
