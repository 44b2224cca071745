package dev.neonstarter.resilience.autoconfigure;

import java.time.Duration;

import dev.neonstarter.jdbc.autoconfigure.NeonTopologyContexts;
import dev.neonstarter.metrics.autoconfigure.NeonMetricsAutoConfiguration;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.replica.NeonReplicaFallbacks;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.ReadReplicaServer;
import dev.neonstarter.testsupport.ReplicatedTopology;
import dev.neonstarter.testsupport.RequiresPgBaseBackup;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The read replica's own circuit breaker, {@code neon-replica}, against a replica (a hot standby of the
 * topology's PostgreSQL; {@code pg_is_in_recovery()} tells which server answered) that is stopped and started
 * again: it opens on the replica's outage without touching the primary's {@code neon} breaker, read-only work
 * then falls back to the primary without trying the replica, and it closes again once the replica is back.
 */
@RequiresPgBouncer
@RequiresPgBaseBackup
class NeonReplicaBreakerIntegrationTests {

	@RegisterExtension
	static final ReplicatedTopology servers = new ReplicatedTopology();

	private final NeonTestTopology topology = servers.topology();

	private final ReadReplicaServer replica = servers.replica();

	@Test
	void replicaOutageOpensTheReplicaBreakerOnlyAndReadsFallBackAtOnce() {
		String database = this.topology.createDatabase();
		// The database reaches the replica by replication.
		this.replica.awaitReplay();
		try {
			NeonTopologyContexts.runner(this.topology, database)
				.withInitializer((context) -> new NeonResilienceDefaultsEnvironmentPostProcessor()
					.postProcessEnvironment(context.getEnvironment(), null))
				.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
						NeonResilienceAutoConfiguration.class, MetricsAutoConfiguration.class,
						SimpleMetricsExportAutoConfiguration.class, NeonMetricsAutoConfiguration.class))
				.withPropertyValues("neon.read-replica.url=" + this.replica.url(database, ""),
						"neon.read-replica.hikari.connection-timeout=5000",
						"resilience4j.circuitbreaker.instances.neon-replica.wait-duration-in-open-state=1s")
				.run((context) -> {
					CircuitBreaker replicaBreaker = context.getBean("neonReplicaCircuitBreaker", CircuitBreaker.class);
					CircuitBreaker primaryBreaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
					assertThat(replicaBreaker.getName()).isEqualTo("neon-replica");
					assertThat(readOnly(context)).isEqualTo("replica");

					this.replica.stop();
					// The stop ended the idle replica connections; HikariCP notices on the next borrow.
					context.getBean(NeonDataSources.REPLICA_BEAN_NAME, NeonHikariDataSource.class)
						.getHikariPoolMXBean()
						.softEvictConnections();
					int reads = 0;
					while (replicaBreaker.getState() == CircuitBreaker.State.CLOSED && reads++ < 20) {
						assertThat(readOnly(context)).isEqualTo("primary");
					}
					// The replica's endpoint monitor saw the refused connection and forced its breaker open.
					assertThat(replicaBreaker.getState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);
					assertThat(primaryBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
					assertThat(primaryBreaker.getMetrics().getNumberOfFailedCalls()).isZero();

					// Open: the replica is not tried, the read goes to the primary straight away.
					assertThat(readOnly(context)).isEqualTo("primary");
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					assertThat(registry.get(NeonMetricsAutoConfiguration.REPLICA_FALLBACKS)
						.tag("reason", "endpoint-down")
						.counter()
						.count()).isGreaterThanOrEqualTo(1);
					assertThat(context.getBean(NeonReplicaFallbacks.class).lastReason())
						.contains("the endpoint of neon-replica is down");

					this.replica.start();
					await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
						assertThat(readOnly(context)).isEqualTo("replica");
						assertThat(replicaBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
					});
				});
		}
		finally {
			this.replica.start();
		}
	}

	private static String readOnly(ApplicationContext context) {
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		TransactionTemplate transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		transactions.setReadOnly(true);
		return transactions.execute((status) -> jdbc.queryForObject(
				"SELECT CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END", String.class));
	}

}
