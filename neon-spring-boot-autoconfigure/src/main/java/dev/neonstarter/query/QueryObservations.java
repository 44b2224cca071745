package dev.neonstarter.query;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Starts the observation of one statement: the application's convention if it has one, else a global one from
 * the registry, else the default.
 */
record QueryObservations(ObservationRegistry registry, NeonQueryObservationConvention customConvention) {

	private static final NeonQueryObservationConvention DEFAULT_CONVENTION = new DefaultNeonQueryObservationConvention();

	Observation start(String poolName, String sql) {
		return Observation
			.createNotStarted(this.customConvention, DEFAULT_CONVENTION,
					() -> new NeonQueryObservationContext(poolName, sql), this.registry)
			.start();
	}

}
