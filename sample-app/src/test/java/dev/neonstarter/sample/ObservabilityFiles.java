package dev.neonstarter.sample;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped monitoring and deployment files, found from the module's directory (where Maven runs tests). */
final class ObservabilityFiles {

	private ObservabilityFiles() {
	}

	static Path alertRules() {
		return projectRoot().resolve("observability/prometheus/neon-alerts.yml");
	}

	static Path alertRuleTests() {
		return projectRoot().resolve("observability/prometheus/neon-alerts-tests.yml");
	}

	static Path dashboard() {
		return projectRoot().resolve("observability/grafana/neon-dashboard.json");
	}

	static Path kubernetes() {
		return projectRoot().resolve("sample-app/k8s");
	}

	static Path projectRoot() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isDirectory(dir.resolve("observability")) && Files.isDirectory(dir.resolve("sample-app"))) {
				return dir;
			}
		}
		throw new IllegalStateException("No observability/ directory above " + Path.of("").toAbsolutePath());
	}

}
