package dev.neonstarter.sample;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression (an alert rule's, a Grafana panel's) selects. Enough PromQL for the
 * shipped files: label matchers, grouping clauses, ranges, strings and Grafana variables are removed, and what
 * is left that is neither a function call, a keyword nor a number is a metric name.
 */
final class PromQlNames {

	private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");

	private static final Pattern GRAFANA_VARIABLES = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");

	private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");

	private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");

	private static final Pattern GROUPING = Pattern
		.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])([a-zA-Z_:][\\w:]*)(\\s*\\()?");

	private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((?:(.*),)?\\s*\\w+\\s*\\)");

	private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
			"group_right", "and", "or", "unless", "offset", "bool", "inf", "nan", "atan2", "s", "m", "h", "d", "w",
			"y", "ms");

	private PromQlNames() {
	}

	/**
	 * The metric names a Grafana variable's query selects: {@code label_values(selector, label)} (the label is
	 * not a metric), or a plain PromQL expression.
	 */
	static Set<String> variableQueryNames(String query) {
		Matcher labelValues = LABEL_VALUES.matcher(query.strip());
		if (labelValues.matches()) {
			return (labelValues.group(1) != null) ? metricNames(labelValues.group(1)) : Set.of();
		}
		return metricNames(query);
	}

	static Set<String> metricNames(String expression) {
		String stripped = STRINGS.matcher(expression).replaceAll(" ");
		stripped = GRAFANA_VARIABLES.matcher(stripped).replaceAll(" ");
		stripped = MATCHERS.matcher(stripped).replaceAll(" ");
		stripped = RANGES.matcher(stripped).replaceAll(" ");
		stripped = GROUPING.matcher(stripped).replaceAll(" ");
		// Durations after offset and numbers with units (5m, 1e3) are not names.
		stripped = stripped.replaceAll("\\b\\d[\\w.]*", " ");
		Set<String> names = new LinkedHashSet<>();
		Matcher matcher = IDENTIFIER.matcher(stripped);
		while (matcher.find()) {
			boolean call = matcher.group(2) != null;
			String name = matcher.group(1);
			if (!call && !KEYWORDS.contains(name.toLowerCase())) {
				names.add(name);
			}
		}
		return names;
	}

}
