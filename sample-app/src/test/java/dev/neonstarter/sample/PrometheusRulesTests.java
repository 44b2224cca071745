package dev.neonstarter.sample;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped alert rules are valid ({@code promtool check rules}) and behave as their unit tests say
 * ({@code promtool test rules}: each alert fires on the input series it should and stays quiet on the others).
 */
@RequiresPrometheus
class PrometheusRulesTests {

	@Test
	void rulesAreValid() {
		Path rules = ObservabilityFiles.alertRules();
		PrometheusServer.Result result = PrometheusServer.promtool(rules.getParent(), null, "check", "rules",
				rules.getFileName().toString());
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS");
	}

	@Test
	void ruleUnitTestsPass() {
		Path tests = ObservabilityFiles.alertRuleTests();
		PrometheusServer.Result result = PrometheusServer.promtool(tests.getParent(), null, "test", "rules",
				tests.getFileName().toString());
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS");
	}

}
