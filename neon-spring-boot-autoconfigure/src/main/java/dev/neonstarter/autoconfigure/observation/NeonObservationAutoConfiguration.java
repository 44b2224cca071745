package dev.neonstarter.autoconfigure.observation;

import dev.neonstarter.autoconfigure.jdbc.NeonDataSourceAutoConfiguration;
import dev.neonstarter.autoconfigure.jdbc.NeonHikariDataSource;
import dev.neonstarter.autoconfigure.jdbc.observation.NeonQueryObservationConvention;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
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
@ConditionalOnBean(value = ObservationRegistry.class, name = NeonDataSourceAutoConfiguration.POOLED_DATA_SOURCE)
public class NeonObservationAutoConfiguration {

	/**
	 * Sets the registry on the pools once every singleton exists: what runs while the context starts (the
	 * startup checks, Flyway's migration) is not observed, everything after is.
	 */
	@Bean
	SmartInitializingSingleton neonQueryObservation(
			@Qualifier(NeonDataSourceAutoConfiguration.POOLED_DATA_SOURCE) NeonHikariDataSource pooled,
			@Qualifier(NeonDataSourceAutoConfiguration.DIRECT_DATA_SOURCE) NeonHikariDataSource direct,
			@Qualifier(NeonDataSourceAutoConfiguration.REPLICA_DATA_SOURCE)
			ObjectProvider<NeonHikariDataSource> replica, ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<NeonQueryObservationConvention> convention) {
		return () -> {
			ObservationRegistry observationRegistry = registry.getObject();
			NeonQueryObservationConvention custom = convention.getIfUnique();
			pooled.setObservationRegistry(observationRegistry, custom);
			direct.setObservationRegistry(observationRegistry, custom);
			replica.ifAvailable((pool) -> pool.setObservationRegistry(observationRegistry, custom));
		};
	}

}
