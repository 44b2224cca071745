package dev.neonstarter.metrics.autoconfigure;

import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statement meters made from the {@code neon.queries} observation have no description of their own
 * (Micrometer's observation handler sets none): the filter adds one, so Prometheus shows {@code # HELP}.
 */
class QueryMeterDescriptionsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	QueryMeterDescriptionsTests() {
		this.registry.config().meterFilter(NeonMetricsAutoConfiguration.neonQueryMeterDescriptions());
	}

	@Test
	void describesTheObservationsTimers() {
		Timer timer = Timer.builder("neon.queries").tag("pool", "neon-pooled").register(this.registry);
		LongTaskTimer active = LongTaskTimer.builder("neon.queries.active").tag("pool", "neon-pooled")
			.register(this.registry);
		assertThat(timer.getId().getDescription()).startsWith("Statement executions");
		assertThat(timer.getId().getTag("pool")).isEqualTo("neon-pooled");
		assertThat(active.getId().getDescription()).isEqualTo("Statements running now through the pool");
	}

	@Test
	void leavesOtherMetersAndExistingDescriptionsAlone() {
		Timer own = Timer.builder("neon.queries").tag("pool", "a").description("mine").register(this.registry);
		Timer other = Timer.builder("http.server.requests").register(this.registry);
		assertThat(own.getId().getDescription()).isEqualTo("mine");
		assertThat(other.getId().getDescription()).isNull();
	}

}
