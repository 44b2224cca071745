package dev.neonstarter.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Grafana dashboard is valid JSON with what Grafana needs to import it (uid, title, schema version,
 * panels with ids, types and positions) and a Prometheus datasource variable that every query uses, and it
 * covers what the starter exports. That each queried metric exists is proved against a real scrape by
 * {@link NotesPrometheusIntegrationTests}, which also runs every panel query on a real Prometheus.
 */
class GrafanaDashboardTests {

	private static GrafanaDashboard dashboard;

	@BeforeAll
	static void read() throws IOException {
		dashboard = GrafanaDashboard.read(Files.readString(ObservabilityFiles.dashboard()));
	}

	@Test
	void hasTheFieldsGrafanaNeedsToImportIt() {
		JsonNode json = dashboard.json();
		assertThat(json.path("uid").asString()).matches("[a-zA-Z0-9_-]{1,40}");
		assertThat(json.path("title").asString()).isNotBlank();
		assertThat(json.path("schemaVersion").isInt()).isTrue();
		assertThat(json.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
		// Imported as a new dashboard: no database id of the exporting Grafana.
		assertThat(json.path("id").isNull()).isTrue();
		Set<Integer> ids = new HashSet<>();
		for (JsonNode panel : dashboard.panels()) {
			assertThat(ids.add(panel.path("id").asInt())).as("unique id of " + panel.path("title")).isTrue();
			assertThat(panel.path("type").asString()).isNotBlank();
			assertThat(panel.path("title").asString()).isNotBlank();
			for (String field : List.of("h", "w", "x", "y")) {
				assertThat(panel.path("gridPos").path(field).isInt()).as(panel.path("title") + " gridPos." + field)
					.isTrue();
			}
			if (!"row".equals(panel.path("type").asString())) {
				assertThat(panel.path("targets").isEmpty()).as(panel.path("title") + " has queries").isFalse();
			}
		}
	}

	@Test
	void everyQueryUsesTheDatasourceVariableAndTheApplicationAndInstanceVariables() {
		List<JsonNode> variables = dashboard.variables();
		assertThat(variables).anySatisfy((variable) -> {
			assertThat(variable.path("type").asString()).isEqualTo("datasource");
			assertThat(variable.path("name").asString()).isEqualTo("datasource");
			assertThat(variable.path("query").asString()).isEqualTo("prometheus");
		});
		assertThat(variables).extracting((variable) -> variable.path("name").asString())
			.contains("job", "instance");
		for (JsonNode panel : dashboard.panels()) {
			for (JsonNode target : panel.path("targets")) {
				assertThat(target.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
				assertThat(target.path("expr").asString()).as(panel.path("title").asString())
					.contains("job=~\"$job\"", "instance=~\"$instance\"");
			}
		}
	}

	@Test
	void coversWhatTheStarterExports() {
		assertThat(dashboard.metricNames()).contains("hikaricp_connections_active", "hikaricp_connections_idle",
				"hikaricp_connections_pending", "hikaricp_connections_max", "hikaricp_connections_acquire_seconds_sum",
				"neon_queries_seconds_count", "neon_queries_seconds_sum", "neon_connection_failures_total",
				"resilience4j_circuitbreaker_state", "neon_tls_verified", "neon_replica_fallbacks_total");
		assertThat(dashboard.expressions()).anyMatch((expr) -> expr.contains("by (pool, outcome)"))
			.anyMatch((expr) -> expr.contains("sqlstate_class"));
	}

}
