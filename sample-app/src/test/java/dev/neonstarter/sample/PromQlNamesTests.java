package dev.neonstarter.sample;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromQlNamesTests {

	@Test
	void findsTheSelectedMetricsOnly() {
		assertThat(PromQlNames.metricNames("""
				sum without (outcome, error) (increase(neon_queries_seconds_sum{pool=~"neon-.+"}[5m]))
				  / sum without (outcome, error) (increase(neon_queries_seconds_count[5m])) > 0.5
				and on (instance) (x_total unless x_total offset 5m) >= 3
				""")).containsExactly("neon_queries_seconds_sum", "neon_queries_seconds_count", "x_total");
	}

	@Test
	void ignoresGrafanaVariablesAndLabelNames() {
		assertThat(PromQlNames.metricNames(
				"max by (pool) (hikaricp_connections_active{job=~\"$job\", instance=~\"${instance}\"}[$__rate_interval])"))
			.containsExactly("hikaricp_connections_active");
		assertThat(PromQlNames.variableQueryNames("label_values(hikaricp_connections_max{job=~\"$job\"}, instance)"))
			.containsExactly("hikaricp_connections_max");
		assertThat(PromQlNames.variableQueryNames("label_values(job)")).isEmpty();
	}

}
