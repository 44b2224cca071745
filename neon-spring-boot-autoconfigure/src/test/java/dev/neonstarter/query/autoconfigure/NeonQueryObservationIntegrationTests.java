package dev.neonstarter.query.autoconfigure;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import dev.neonstarter.jdbc.autoconfigure.NeonTopologyContexts;
import dev.neonstarter.metrics.autoconfigure.NeonMetricsAutoConfiguration;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.query.DefaultNeonQueryObservationConvention;
import dev.neonstarter.query.NeonQueryObservationContext;
import dev.neonstarter.query.NeonQueryObservationConvention;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Statements through the Neon pools, observed with Micrometer Observation, against PgBouncer and PostgreSQL.
 */
@RequiresPgBouncer
class NeonQueryObservationIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private ApplicationContextRunner runner() {
		return NeonTopologyContexts.runner(this.topology, this.topology.createDatabase())
			.withConfiguration(AutoConfigurations.of(NeonObservationAutoConfiguration.class));
	}

	/** With Spring Boot's observation registry and metrics, as Actuator sets them up. */
	private ApplicationContextRunner withSpringBootMetrics() {
		return runner().withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
				MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				NeonMetricsAutoConfiguration.class));
	}

	@Test
	void eachStatementIsOneObservationWithPoolOutcomeAndText() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		runner().withBean(TestObservationRegistry.class, () -> registry).run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("SELECT ?::int", Integer.class, 41)).isEqualTo(41);
			assertThatException().isThrownBy(() -> jdbc.queryForObject("select no_such_column", Integer.class));
			try (Connection connection = direct(context).getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("  (SELECT 1)");
			}
			TestObservationRegistryAssert.assertThat(registry)
				.hasNumberOfObservationsWithNameEqualTo("neon.queries", 3)
				.hasHandledContextsThatSatisfy((contexts) -> {
					List<NeonQueryObservationContext> queries = contexts.stream()
						.filter(NeonQueryObservationContext.class::isInstance)
						.map(NeonQueryObservationContext.class::cast)
						.toList();
					assertThat(queries).hasSize(3);
					NeonQueryObservationContext ok = queries.get(0);
					assertThat(ok.getContextualName()).isEqualTo("SELECT");
					assertThat(ok.getLowCardinalityKeyValues()).containsExactlyInAnyOrder(
							KeyValue.of("pool", "neon-pooled"), KeyValue.of("outcome", "success"));
					// The statement as written: the bound 41 is not in it.
					assertThat(ok.getHighCardinalityKeyValues())
						.containsExactly(KeyValue.of("db.query.text", "SELECT ?::int"));
					assertThat(ok.getError()).isNull();
					NeonQueryObservationContext failed = queries.get(1);
					assertThat(failed.getContextualName()).isEqualTo("SELECT");
					assertThat(failed.getLowCardinalityKeyValues()).contains(KeyValue.of("outcome", "error"));
					assertThat(failed.getError()).isInstanceOf(PSQLException.class)
						.hasMessageContaining("no_such_column");
					NeonQueryObservationContext onDirect = queries.get(2);
					assertThat(onDirect.getLowCardinalityKeyValues()).contains(KeyValue.of("pool", "neon-direct"));
				});
		});
	}

	@Test
	void theStatementRunsInTheObservationsScope() {
		// A tracer makes its span current when the scope opens, so that whatever the driver logs is in the span.
		TestObservationRegistry registry = TestObservationRegistry.create();
		List<String> scopes = new CopyOnWriteArrayList<>();
		registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onScopeOpened(Observation.Context context) {
				scopes.add("opened " + context.getName());
			}

			@Override
			public void onScopeClosed(Observation.Context context) {
				scopes.add("closed " + context.getName());
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		runner().withBean(TestObservationRegistry.class, () -> registry).run((context) -> {
			context.getBean(JdbcTemplate.class).queryForObject("SELECT 1", Integer.class);
			assertThat(scopes).containsExactly("opened neon.queries", "closed neon.queries");
			assertThat(registry.getCurrentObservation()).isNull();
		});
	}

	@Test
	void springBootMetricsMakeTheQueryTimerFromTheObservationOnce() {
		withSpringBootMetrics()
			.run((context) -> {
				assertThat(context).doesNotHaveBean("neonQueryMeterBinder");
				assertThat(pooled(context).queries().isObserved()).isTrue();
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				for (int i = 0; i < 3; i++) {
					jdbc.queryForObject("SELECT ?::int", Integer.class, i);
				}
				assertThatException().isThrownBy(() -> jdbc.queryForObject("SELECT no_such_column", Integer.class));
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.find("neon.queries").tags("pool", "neon-pooled", "outcome", "success").timers())
					.singleElement()
					.satisfies((timer) -> {
						assertThat(timer.count()).isEqualTo(3);
						assertThat(timer.getId().getTag("error")).isEqualTo("none");
					});
				assertThat(meters.get("neon.queries").tags("pool", "neon-pooled", "outcome", "error").timer())
					.satisfies((timer) -> {
						assertThat(timer.count()).isOne();
						assertThat(timer.getId().getTag("error")).isEqualTo("PSQLException");
					});
				// Made when a statement starts, before there is an outcome: tagged with the pool alone.
				assertThat(meters.find("neon.queries.active").longTaskTimers()).singleElement().satisfies((active) -> {
					assertThat(active.getId().getTags()).containsExactly(Tag.of("pool", "neon-pooled"));
					assertThat(active.activeTasks()).isZero();
				});
			});
	}

	@Test
	void observationCanBeTurnedOffWithSpringBootsProperty() {
		withSpringBootMetrics()
			.withPropertyValues("management.observations.enable.neon.queries=false")
			.run((context) -> {
				context.getBean(JdbcTemplate.class).queryForObject("SELECT 1", Integer.class);
				assertThat(context.getBean(MeterRegistry.class).find("neon.queries").timers()).isEmpty();
			});
	}

	@Test
	void aConventionBeanReplacesTheDefault() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		runner().withBean(TestObservationRegistry.class, () -> registry)
			.withBean(NeonQueryObservationConvention.class, TenantConvention::new)
			.run((context) -> {
				context.getBean(JdbcTemplate.class).queryForObject("SELECT 1", Integer.class);
				TestObservationRegistryAssert.assertThat(registry)
					.hasObservationWithNameEqualTo("neon.queries")
					.that()
					.hasLowCardinalityKeyValue("tenant", "acme")
					.hasLowCardinalityKeyValue("pool", "neon-pooled");
			});
	}

	@Test
	void withoutAnObservationRegistryStatementsAreNotObserved() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean("neonQueryObservation");
			assertThat(pooled(context).queries().isObserved()).isFalse();
			assertThat(direct(context).queries().isObserved()).isFalse();
		});
	}

	@Test
	void aNoopRegistryLeavesConnectionsUnwrapped() {
		// The endpoint monitor's stall watch also wraps connections: off here.
		runner().withBean(ObservationRegistry.class, () -> ObservationRegistry.NOOP)
			.withPropertyValues("neon.monitor.stall-timeout=0")
			.run((context) -> {
				assertThat(pooled(context).queries().isObserved()).isFalse();
				try (Connection connection = direct(context).getConnection()) {
					assertThat(Proxy.isProxyClass(connection.getClass())).isFalse();
				}
				// Through the pooler connections are wrapped anyway, for their transaction isolation level.
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(Proxy.isProxyClass(connection.getClass())).isTrue();
				}
			});
	}

	private static NeonHikariDataSource pooled(ApplicationContext context) {
		return context.getBean(NeonDataSources.POOLED_BEAN_NAME, NeonHikariDataSource.class);
	}

	private static NeonHikariDataSource direct(ApplicationContext context) {
		return context.getBean(NeonDataSources.DIRECT_BEAN_NAME, NeonHikariDataSource.class);
	}

	static class TenantConvention extends DefaultNeonQueryObservationConvention {

		@Override
		public KeyValues getLowCardinalityKeyValues(NeonQueryObservationContext context) {
			return super.getLowCardinalityKeyValues(context).and("tenant", "acme");
		}

	}

}
