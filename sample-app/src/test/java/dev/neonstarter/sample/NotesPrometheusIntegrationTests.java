package dev.neonstarter.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus scrapes the sample app on the Neon-shaped topology (PgBouncer + TLS) every second and
 * evaluates the shipped alert rules, unchanged: the pool meters of both pools arrive, the exposition passes
 * {@code promtool check metrics}, the breaker alert fires when PostgreSQL stops under traffic (after the rule's
 * whole {@code for}, as shipped, so the test takes about three minutes) and resolves when it is back, and every
 * metric the rules and the Grafana dashboard query is one the app really exports.
 */
@RequiresPgBouncer
@RequiresPrometheus
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "neon.health.recheck-interval=0s", "neon.health.timeout=2s",
				"neon.pooled.hikari.connection-timeout=2000" })
class NotesPrometheusIntegrationTests {

	/** The endpoint monitor's alert: it forces the breaker open, so NeonCircuitBreakerOpen stays quiet. */
	private static final String ENDPOINT_ALERT = "NeonEndpointDown";

	private static NeonTestTopology topology;

	private static PrometheusServer prometheus;

	private static ScheduledExecutorService traffic;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void neon(DynamicPropertyRegistry registry) {
		// Private: this test stops the server. Queued queries give up after 5 s instead of Neon's 120 s.
		topology = NeonTestTopology.start(5);
		NeonTopologyProperties.register(registry, topology, topology.createDatabase());
	}

	@AfterAll
	static void stopEverything() {
		if (traffic != null) {
			traffic.shutdownNow();
		}
		if (prometheus != null) {
			prometheus.close();
		}
		topology.close();
	}

	@Test
	void prometheusScrapesBothPoolsAndTheBreakerAlertFiresDuringAnOutageAndResolves() throws IOException {
		RestClient http = NeonTopologyProperties.http(this.port);
		prometheus = PrometheusServer.start(this.port, ObservabilityFiles.alertRules());
		startTraffic(http);

		// Both pools' gauges, as Prometheus stored them from its scrapes.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(prometheus.query(
				"count by (__name__, pool) ({__name__=~\"hikaricp_connections_(active|idle|pending|max)\", job=\"neon-notes\"})"))
			.extracting((sample) -> metric(sample).get("__name__") + "/" + metric(sample).get("pool"))
			.contains("hikaricp_connections_active/neon-pooled", "hikaricp_connections_idle/neon-pooled",
					"hikaricp_connections_pending/neon-pooled", "hikaricp_connections_max/neon-pooled",
					"hikaricp_connections_active/neon-direct", "hikaricp_connections_idle/neon-direct",
					"hikaricp_connections_pending/neon-direct", "hikaricp_connections_max/neon-direct"));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(prometheus.query("neon_queries_seconds_count{pool=\"neon-pooled\"}"))
				.isNotEmpty());
		// A healthy application under traffic raises no alert at all.
		assertThat(prometheus.alerts()).as("alerts before the outage").isEmpty();

		topology.postgres().stop();
		Instant stopped = Instant.now();
		// The shipped rule, unchanged: pending first, firing once its whole "for" has passed.
		Duration pendingFor = AlertRules.forOf(ObservabilityFiles.alertRules(), ENDPOINT_ALERT);
		assertThat(pendingFor).isGreaterThanOrEqualTo(Duration.ofMinutes(1));
		await().atMost(Duration.ofSeconds(150))
			.pollInterval(Duration.ofSeconds(1))
			.untilAsserted(() -> assertThat(alert(ENDPOINT_ALERT)).as(prometheus::log)
				.isNotNull()
				.containsEntry("state", "firing"));
		Instant firing = Instant.now();
		Instant activeAt = Instant.parse((String) alert(ENDPOINT_ALERT).get("activeAt"));
		assertThat(Duration.between(activeAt, firing)).isGreaterThanOrEqualTo(pendingFor);
		assertThat(activeAt).isAfter(stopped.minusSeconds(1));
		assertThat(prometheus.query("ALERTS{alertname=\"" + ENDPOINT_ALERT + "\", alertstate=\"firing\"}"))
			.hasSize(1);

		topology.postgres().start();
		Instant restarted = Instant.now();
		await().atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofSeconds(1))
			.untilAsserted(() -> assertThat(alert(ENDPOINT_ALERT)).as("the alert after the recovery").isNull());
		System.out.printf("%s: pending %d s and firing %d s after PostgreSQL stopped, resolved %d s after it restarted%n",
				ENDPOINT_ALERT, Duration.between(stopped, activeAt).toSeconds(), Duration.between(stopped, firing).toSeconds(),
				Duration.between(restarted, Instant.now()).toSeconds());
		assertThat(prometheus.query("ALERTS{alertname=\"" + ENDPOINT_ALERT + "\"}")).isEmpty();
		// The application serves again.
		assertThat(prometheus.query("resilience4j_circuitbreaker_state{name=\"neon\", state=\"closed\"} == 1"))
			.hasSize(1);

		// The exposition as a scraper gets it, after the outage (with the failure counters), passes promtool's lint.
		String exposition = http.get()
			.uri("/actuator/prometheus")
			.accept(MediaType.parseMediaType("text/plain;version=0.0.4"))
			.retrieve()
			.body(String.class);
		PrometheusServer.Result lint = PrometheusServer.promtool(ObservabilityFiles.projectRoot(), exposition,
				"check", "metrics");
		// 0: no findings, 3: lint findings only (1 would be an exposition promtool cannot parse).
		assertThat(lint.exitCode()).as(lint.output()).isIn(0, 3);
		// The starter's meters and those it configures (HikariCP's, the breaker's) are clean. Findings on
		// Spring Boot's, Micrometer's and Tomcat's own meters (no HELP for http_server_requests_seconds, units
		// in jvm_compilation_time_ms_total, ...) are theirs; docs/monitoring.md lists them.
		assertThat(lint.output().lines().filter((line) -> line.matches("(neon|hikaricp|resilience4j)_.*")))
			.as(lint.output())
			.isEmpty();
		assertThat(exposition).contains("# HELP neon_queries_seconds ");

		// Every panel query runs on a real Prometheus (the variables as "All", Grafana's rate interval as 1m).
		for (String expression : GrafanaDashboard.read(Files.readString(ObservabilityFiles.dashboard()))
			.expressions()) {
			String query = expression.replace("$__rate_interval", "1m").replaceAll("\\$\\{?\\w+}?", ".*");
			List<Map<String, Object>> result = prometheus.query(query);
			if (query.matches(".*(hikaricp_connections_(active|idle|pending|max)|neon_tls_verified|"
					+ "resilience4j_circuitbreaker_state|neon_queries_seconds_max)\\b.*")) {
				assertThat(result).as(query).isNotEmpty();
			}
		}

		assertQueriedMetricsAreExported(new TreeSet<>(prometheus.metricNames()));
	}

	/**
	 * Every metric the alert rules and the dashboard query is among the names Prometheus scraped from the app
	 * during this test, except those only an application with a read replica exports (this one has none):
	 * {@link NotesReadReplicaIntegrationTests} checks those.
	 */
	private static void assertQueriedMetricsAreExported(Set<String> scraped) throws IOException {
		Set<String> queried = QueriedMetrics.exportedByTheApp();
		assertThat(queried).contains("neon_connection_failures_total", "hikaricp_connections_pending")
			.containsAll(QueriedMetrics.REPLICA_ONLY);
		queried.removeAll(QueriedMetrics.REPLICA_ONLY);
		assertThat(scraped).as("metric names scraped from the sample app").containsAll(queried);
	}

	private static void startTraffic(RestClient http) {
		// Three clients, each sending a note every 100 ms: enough calls for the breaker's window, gentle on CPU.
		traffic = Executors.newScheduledThreadPool(3);
		for (int i = 0; i < 3; i++) {
			traffic.scheduleWithFixedDelay(() -> {
				try {
					http.post()
						.uri("/api/notes")
						.contentType(MediaType.APPLICATION_JSON)
						.body(Map.of("text", "scraped"))
						.retrieve()
						.toBodilessEntity();
				}
				catch (RuntimeException ex) {
					// The outage: the app answers 503, or the client gives up; the next request follows.
				}
			}, 0, 100, TimeUnit.MILLISECONDS);
		}
	}

	private static Map<String, Object> alert(String name) {
		List<Map<String, Object>> alerts = prometheus.alerts()
			.stream()
			.filter((alert) -> name.equals(labels(alert).get("alertname")))
			.toList();
		assertThat(alerts).hasSizeLessThanOrEqualTo(1);
		return alerts.isEmpty() ? null : alerts.get(0);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> labels(Map<String, Object> alert) {
		return (Map<String, Object>) alert.get("labels");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> metric(Map<String, Object> sample) {
		return (Map<String, Object>) sample.get("metric");
	}

}
