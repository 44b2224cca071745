package dev.neonstarter.sample;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.Yaml;

/** The shipped Prometheus rule file, read as data. */
final class AlertRules {

	private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

	private AlertRules() {
	}

	/** Every rule of every group. */
	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> rules(Path file) throws IOException {
		try (Reader reader = Files.newBufferedReader(file)) {
			Map<String, Object> document = new Yaml().load(reader);
			List<Map<String, Object>> rules = new ArrayList<>();
			for (Map<String, Object> group : (List<Map<String, Object>>) document.get("groups")) {
				rules.addAll((List<Map<String, Object>>) group.get("rules"));
			}
			return rules;
		}
	}

	/** The {@code for} of the named alert, a Prometheus duration such as {@code 1m30s}. */
	static Duration forOf(Path file, String alert) throws IOException {
		Map<String, Object> rule = rules(file).stream()
			.filter((candidate) -> alert.equals(candidate.get("alert")))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No alert " + alert + " in " + file));
		Matcher part = DURATION_PART.matcher(String.valueOf(rule.get("for")));
		Duration duration = Duration.ZERO;
		while (part.find()) {
			long amount = Long.parseLong(part.group(1));
			duration = duration.plus(switch (part.group(2)) {
				case "ms" -> Duration.ofMillis(amount);
				case "s" -> Duration.ofSeconds(amount);
				case "m" -> Duration.ofMinutes(amount);
				case "h" -> Duration.ofHours(amount);
				default -> Duration.ofDays(amount);
			});
		}
		return duration;
	}

	/** The metric names the rules' expressions select. */
	static Set<String> metricNames(Path file) throws IOException {
		Set<String> names = new LinkedHashSet<>();
		for (Map<String, Object> rule : rules(file)) {
			names.addAll(PromQlNames.metricNames((String) rule.get("expr")));
		}
		return names;
	}

}
