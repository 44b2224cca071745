package dev.neonstarter.resilience.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.jdbc.autoconfigure.NeonTopologyContexts;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Behind PgBouncer a connection is obtained even while PostgreSQL is down: the breaker must judge by
 * statements, not by acquisitions.
 */
@RequiresPgBouncer
class NeonBreakerThroughPgBouncerIntegrationTests {

	@Test
	void anOutageBehindThePoolerOpensTheBreakerWithoutSuccessesDilutingIt() {
		try (NeonTestTopology topology = NeonTestTopology.start(2)) {
			String database = topology.createDatabase();
			NeonTopologyContexts.runner(topology, database)
				.withInitializer((context) -> new NeonResilienceDefaultsEnvironmentPostProcessor()
					.postProcessEnvironment(context.getEnvironment(), null))
				.withConfiguration(AutoConfigurations.of(NeonResilienceAutoConfiguration.class))
				// One caller: with the 15 s default each failed acquisition takes 15 s and the 10 s window never
				// collects the minimum of 5 calls.
				// The failure-rate breaker on its own: the endpoint monitor, which would force it open at the first
				// failed connection attempt, is off.
				.withPropertyValues("neon.health.timeout=2s", "neon.pooled.hikari.connection-timeout=1000",
						"neon.monitor.enabled=false")
				.run((context) -> {
					DataSource pooled = context.getBean(DataSource.class);
					CircuitBreaker breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
					useConnection(pooled);
					int successesBefore = breaker.getMetrics().getNumberOfSuccessfulCalls();
					assertThat(successesBefore).isPositive();

					topology.postgres().stop();
					int attempts = 0;
					while (breaker.getState() == CircuitBreaker.State.CLOSED && attempts++ < 20) {
						assertThatExceptionOfType(SQLException.class).isThrownBy(() -> useConnection(pooled));
					}
					assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
					// PgBouncer handed out connections all along, and none of that counted as success.
					assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(successesBefore);
					assertThatExceptionOfType(NeonUnavailableException.class).isThrownBy(pooled::getConnection);
				});
		}
	}

	private static void useConnection(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); var statement = connection.createStatement()) {
			statement.execute("SELECT 1");
		}
	}

}
