package dev.neonstarter.sample;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The shipped Grafana dashboard, read as JSON. */
record GrafanaDashboard(JsonNode json) {

	static GrafanaDashboard read(String json) {
		return new GrafanaDashboard(JsonMapper.builder().build().readTree(json));
	}

	/** Every panel, including those nested in collapsed rows. */
	List<JsonNode> panels() {
		List<JsonNode> panels = new ArrayList<>();
		for (JsonNode panel : this.json.path("panels")) {
			panels.add(panel);
			panel.path("panels").forEach(panels::add);
		}
		return panels;
	}

	/** Every PromQL expression of a panel's targets. */
	List<String> expressions() {
		List<String> expressions = new ArrayList<>();
		for (JsonNode panel : panels()) {
			for (JsonNode target : panel.path("targets")) {
				if (target.hasNonNull("expr")) {
					expressions.add(target.get("expr").asString());
				}
			}
		}
		return expressions;
	}

	/** The template variables. */
	List<JsonNode> variables() {
		List<JsonNode> variables = new ArrayList<>();
		this.json.path("templating").path("list").forEach(variables::add);
		return variables;
	}

	/** The metric names the panels and the query variables select. */
	Set<String> metricNames() {
		Set<String> names = new LinkedHashSet<>();
		expressions().forEach((expression) -> names.addAll(PromQlNames.metricNames(expression)));
		for (JsonNode variable : variables()) {
			if ("query".equals(variable.path("type").asString())) {
				JsonNode query = variable.path("query");
				String text = query.isObject() ? query.path("query").asString() : query.asString();
				names.addAll(PromQlNames.variableQueryNames(text));
			}
		}
		return names;
	}

}
