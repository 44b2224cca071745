package dev.neonstarter.metrics.autoconfigure;

import java.sql.Connection;

import javax.sql.DataSource;

import dev.neonstarter.jdbc.autoconfigure.NeonTopologyContexts;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statement timing and the slow-query log, through PgBouncer.
 */
@RequiresPgBouncer
@ExtendWith(OutputCaptureExtension.class)
class NeonQueryMetricsIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	@Test
	void slowQueriesAreLoggedWithoutValues(CapturedOutput output) {
		NeonTopologyContexts.runner(this.topology, this.topology.createDatabase())
			// A threshold no quick statement reaches even on a loaded machine.
			.withPropertyValues("neon.slow-query-threshold=1s")
			.run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				jdbc.queryForObject("SELECT 1 AS quick_one", Integer.class);
				jdbc.queryForObject("SELECT ?::text || pg_sleep(1.2)::text AS slow_one", String.class, "sekrit-value");
				// A value written into the statement itself is not shown either.
				jdbc.queryForObject("SELECT 'sekrit-literal' || pg_sleep(1.2)::text AS slow_two", String.class);
				assertThat(output).contains("Slow query on neon-pooled: ")
					.contains("(threshold 1000 ms): SELECT ?::text || pg_sleep(?)::text AS slow_one")
					.contains("(threshold 1000 ms): SELECT ? || pg_sleep(?)::text AS slow_two")
					.doesNotContain("sekrit-value")
					.doesNotContain("sekrit-literal")
					.doesNotContain("quick_one");
			});
	}

	@Test
	void noSlowQueryLogByDefault(CapturedOutput output) {
		NeonTopologyContexts.runner(this.topology, this.topology.createDatabase()).run((context) -> {
			context.getBean(JdbcTemplate.class).queryForObject("SELECT pg_sleep(0.2)::text", String.class);
			assertThat(output).doesNotContain("Slow query");
		});
	}

	@Test
	void statementsAreTimedPerPoolAndOutcome() {
		NeonTopologyContexts.runner(this.topology, this.topology.createDatabase())
			.withConfiguration(AutoConfigurations.of(NeonMetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBeansOfType(MeterBinder.class).values().forEach((binder) -> binder.bindTo(registry));
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				for (int i = 0; i < 3; i++) {
					jdbc.queryForObject("SELECT ?::int", Integer.class, i);
				}
				org.assertj.core.api.Assertions.assertThatException()
					.isThrownBy(() -> jdbc.queryForObject("SELECT no_such_column", Integer.class));
				assertThat(registry.get("neon.queries").tag("pool", "neon-pooled").tag("outcome", "success").timer().count())
					.isEqualTo(3);
				assertThat(registry.get("neon.queries").tag("pool", "neon-pooled").tag("outcome", "error").timer().count())
					.isEqualTo(1);
				// Driver-specific APIs still reach pgjdbc through the timing wrapper.
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(connection.unwrap(org.postgresql.PGConnection.class)).isNotNull();
				}
			});
	}

}
