package dev.neonstarter.query;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags observations of statements executed through Neon pools. Define a bean of this type to
 * replace {@link DefaultNeonQueryObservationConvention} (extend it to add to its key values).
 */
public interface NeonQueryObservationConvention extends ObservationConvention<NeonQueryObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof NeonQueryObservationContext;
	}

}
