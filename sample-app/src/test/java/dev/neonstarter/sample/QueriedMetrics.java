package dev.neonstarter.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;

import dev.neonstarter.metrics.autoconfigure.NeonMetricsAutoConfiguration;

/** The metric names the shipped alert rules and Grafana dashboard query, and those in an exposition. */
final class QueriedMetrics {

	/**
	 * Names an application exports only with a read replica, after its first fallback to the primary:
	 * {@link NotesReadReplicaIntegrationTests} checks them against such an application's scrape.
	 */
	static final Set<String> REPLICA_ONLY = Set
		.of(NeonMetricsAutoConfiguration.REPLICA_FALLBACKS.replace('.', '_') + "_total");

	/** Series Prometheus makes itself for each target, which the rules also use. */
	static final Set<String> PROMETHEUS_SERIES = Set.of("up");

	private QueriedMetrics() {
	}

	/** {@link #names()} less the series Prometheus makes itself: what the application must export. */
	static Set<String> exportedByTheApp() throws IOException {
		Set<String> names = names();
		names.removeAll(PROMETHEUS_SERIES);
		return names;
	}

	/** Every metric name the alert rules and the dashboard's panels and variables select. */
	static Set<String> names() throws IOException {
		Set<String> names = new TreeSet<>(AlertRules.metricNames(ObservabilityFiles.alertRules()));
		names.addAll(GrafanaDashboard.read(Files.readString(ObservabilityFiles.dashboard())).metricNames());
		return names;
	}

	/** The sample names of a Prometheus text exposition ({@code name{labels} value} lines). */
	static Set<String> inExposition(String exposition) {
		Set<String> names = new TreeSet<>();
		exposition.lines()
			.filter((line) -> !line.isBlank() && !line.startsWith("#"))
			.map((line) -> line.split("[{ ]", 2)[0])
			.forEach(names::add);
		return names;
	}

}
