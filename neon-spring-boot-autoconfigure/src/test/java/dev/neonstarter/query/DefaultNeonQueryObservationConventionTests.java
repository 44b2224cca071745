package dev.neonstarter.query;

import io.micrometer.common.KeyValue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names and key values of the default statement observation convention.
 */
class DefaultNeonQueryObservationConventionTests {

	private final DefaultNeonQueryObservationConvention convention = new DefaultNeonQueryObservationConvention();

	@Test
	void spanIsNamedAfterTheFirstKeyword() {
		assertThat(contextualName("select 1")).isEqualTo("SELECT");
		assertThat(contextualName("\n  (SELECT 1) UNION (SELECT 2)")).isEqualTo("SELECT");
		assertThat(contextualName("WITH moved AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM moved"))
			.isEqualTo("WITH");
		assertThat(contextualName("(batch)")).isEqualTo("BATCH");
		assertThat(contextualName("/* report */ SELECT 1")).isEqualTo("QUERY");
		assertThat(contextualName("")).isEqualTo("QUERY");
	}

	@Test
	void outcomeIsOnlyGivenOnceTheStatementHasCompleted() {
		NeonQueryObservationContext context = new NeonQueryObservationContext("neon-pooled", "SELECT 1");
		assertThat(this.convention.getLowCardinalityKeyValues(context)).containsExactly(KeyValue.of("pool", "neon-pooled"));
		context.setCompleted(true);
		assertThat(this.convention.getLowCardinalityKeyValues(context)).containsExactly(KeyValue.of("outcome", "success"),
				KeyValue.of("pool", "neon-pooled"));
		context.setError(new IllegalStateException("boom"));
		assertThat(this.convention.getLowCardinalityKeyValues(context)).contains(KeyValue.of("outcome", "error"));
	}

	@Test
	void longStatementTextIsCut() {
		String sql = "SELECT " + "x, ".repeat(1000) + "1";
		KeyValue text = this.convention
			.getHighCardinalityKeyValues(new NeonQueryObservationContext("neon-direct", sql))
			.stream()
			.findFirst()
			.orElseThrow();
		assertThat(text.getKey()).isEqualTo("db.query.text");
		assertThat(text.getValue()).hasSize(2001).startsWith("SELECT x, x, ").endsWith("…");
		assertThat(this.convention.getName()).isEqualTo("neon.queries");
	}

	private String contextualName(String sql) {
		return this.convention.getContextualName(new NeonQueryObservationContext("neon-pooled", sql));
	}

}
