package dev.neonstarter.metrics.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.health.autoconfigure.NeonHealthContributorAutoConfiguration;
import dev.neonstarter.jdbc.autoconfigure.NeonTopologyContexts;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonEndpointMonitor;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.query.autoconfigure.NeonObservationAutoConfiguration;
import dev.neonstarter.resilience.autoconfigure.NeonResilienceAutoConfiguration;
import dev.neonstarter.testsupport.FaultProxy;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Pools renamed with {@code neon.pooled.hikari.pool-name} / {@code neon.direct.hikari.pool-name} (bound after the
 * pools are created under their default names): after a query and a connection failure, every meter, health
 * detail, log line and exception that names a pool names the new one, and none the default.
 */
@RequiresPgBouncer
@ExtendWith(OutputCaptureExtension.class)
class NeonPoolRenameIntegrationTests {

	private static final String POOLED = "orders-pooled";

	private static final String DIRECT = "orders-direct";

	/** The starter's meters tagged {@code pool}; HikariCP's ({@code hikaricp.*}) are too. */
	private static final List<String> NEON_POOL_METERS = List.of(NeonMetricsAutoConfiguration.CONNECTION_FAILURES,
			NeonMetricsAutoConfiguration.TLS_VERIFIED, NeonMetricsAutoConfiguration.ENDPOINT_UP,
			NeonMetricsAutoConfiguration.QUERIES);

	private final NeonTestTopology topology = NeonTestTopology.shared();

	@Test
	void aRenamedPoolIsNamedByEveryMeterHealthDetailLogLineAndException(CapturedOutput output) {
		String database = this.topology.createDatabase();
		int pooledPort;
		// The pooled endpoint (PgBouncer) through a proxy that can go away: then it refuses connections.
		try (FaultProxy proxy = FaultProxy.start(this.topology.pgbouncer().port())) {
			pooledPort = proxy.port();
			NeonTopologyContexts.runner(this.topology, database)
				.withConfiguration(AutoConfigurations.of(NeonResilienceAutoConfiguration.class,
						ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
						SimpleMetricsExportAutoConfiguration.class, DataSourcePoolMetricsAutoConfiguration.class,
						NeonObservationAutoConfiguration.class, NeonMetricsAutoConfiguration.class,
						HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
						DataSourceHealthContributorAutoConfiguration.class,
						NeonHealthContributorAutoConfiguration.class))
				.withPropertyValues("neon.url=" + this.topology.urlAt(proxy.port(), database, ""),
						"neon.pooled.hikari.pool-name=" + POOLED, "neon.direct.hikari.pool-name=" + DIRECT,
						"neon.pooled.hikari.connection-timeout=5000")
				.run((context) -> renamedThroughAnOutage(context, proxy));
		}
		assertThat(output).contains("Neon pooled DataSource '" + POOLED + "': ")
			.contains("Neon direct DataSource '" + DIRECT + "': ")
			.contains(POOLED + " - Starting")
			.contains(POOLED + " (localhost:" + pooledPort + ") is on TLS")
			.contains("Neon endpoint of " + POOLED + " is down, failing fast until a probe connects again")
			// No log line names a pool by its default name.
			.doesNotContain("neon-pooled")
			.doesNotContain("neon-direct");
	}

	@Test
	void withoutTheStartupTlsCheckNoTlsGaugeIsExported() {
		// A 0 would read as "not verified" and page (NeonTlsNotVerified) while pgjdbc verifies every connection.
		NeonTopologyContexts.runner(this.topology, this.topology.createDatabase())
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, NeonMetricsAutoConfiguration.class))
			.withPropertyValues("neon.ssl.verify-on-startup=false")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find(NeonMetricsAutoConfiguration.TLS_VERIFIED).gauges()).isEmpty();
				assertThat(registry.find(NeonMetricsAutoConfiguration.ENDPOINT_UP).gauges()).hasSize(2);
			});
	}

	private void renamedThroughAnOutage(AssertableApplicationContext context, FaultProxy proxy) {
		assertThat(context).hasNotFailed();
		NeonHikariDataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME, NeonHikariDataSource.class);
		NeonHikariDataSource direct = context.getBean(NeonDataSources.DIRECT_BEAN_NAME, NeonHikariDataSource.class);
		assertThat(pooled.getPoolName()).isEqualTo(POOLED);
		assertThat(pooled.activity().poolName()).isEqualTo(POOLED);
		assertThat(pooled.monitor().poolName()).isEqualTo(POOLED);
		assertThat(direct.getPoolName()).isEqualTo(DIRECT);
		assertThat(direct.activity().poolName()).isEqualTo(DIRECT);
		assertThat(direct.monitor().poolName()).isEqualTo(DIRECT);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		assertThat(jdbc.queryForObject("SELECT 1", Integer.class)).isOne();
		// The application name the starter gives each pool (pg_stat_activity) follows the rename.
		assertThat(pooled.getDataSourceProperties().getProperty("ApplicationName")).isEqualTo(POOLED);
		assertThat(new JdbcTemplate(direct).queryForObject("SELECT current_setting('application_name')",
				String.class)).isEqualTo(DIRECT);

		// The pooled endpoint goes away: its open connections are reset, new ones refused.
		proxy.close();
		pooled.getHikariPoolMXBean().softEvictConnections();
		assertThat(catchThrowable(() -> jdbc.queryForObject("SELECT 1", Integer.class))).isNotNull();
		await().atMost(Duration.ofSeconds(20)).until(() -> pooled.monitor().state() == NeonEndpointMonitor.State.DOWN);
		Throwable failingFast = catchThrowable(() -> jdbc.queryForObject("SELECT 1", Integer.class));
		assertThat(failingFast).hasCauseInstanceOf(NeonUnavailableException.class);
		assertThat(failingFast.getCause()).hasMessageContaining("the endpoint of " + POOLED + " is down")
			.hasMessageNotContaining("neon-pooled");
		// The circuit breaker, forced open by the monitor, names the pool too.
		assertThatExceptionOfType(NeonUnavailableException.class)
			.isThrownBy(() -> pooled.getConnectionGuard().beforeAcquire())
			.withMessageContaining("so " + POOLED + " fails fast")
			.withMessageNotContaining("neon-pooled");

		MeterRegistry registry = context.getBean(MeterRegistry.class);
		List<Meter> poolMeters = registry.getMeters()
			.stream()
			.filter((meter) -> meter.getId().getName().startsWith("hikaricp.")
					|| NEON_POOL_METERS.contains(meter.getId().getName()))
			.toList();
		Set<String> poolTags = poolMeters.stream()
			.map((meter) -> meter.getId().getTag("pool"))
			.collect(Collectors.toSet());
		assertThat(poolTags).as("pool tags of %s", poolMeters.stream().map(Meter::getId).toList())
			.containsExactlyInAnyOrder(POOLED, DIRECT);
		for (String name : List.of("hikaricp.connections", "hikaricp.connections.max", "hikaricp.connections.creation",
				NeonMetricsAutoConfiguration.CONNECTION_FAILURES, NeonMetricsAutoConfiguration.TLS_VERIFIED,
				NeonMetricsAutoConfiguration.ENDPOINT_UP, NeonMetricsAutoConfiguration.QUERIES)) {
			assertThat(registry.find(name).tag("pool", POOLED).meters()).as(name).isNotEmpty();
		}
		assertThat(registry.get(NeonMetricsAutoConfiguration.CONNECTION_FAILURES).tag("pool", POOLED).counter().count())
			.isPositive();
		assertThat(registry.find(NeonMetricsAutoConfiguration.CONNECTION_FAILURES).tag("pool", DIRECT).meters())
			.isEmpty();
		assertThat(registry.get(NeonMetricsAutoConfiguration.TLS_VERIFIED).tag("pool", POOLED).gauge().value()).isOne();
		assertThat(registry.get(NeonMetricsAutoConfiguration.TLS_VERIFIED).tag("pool", DIRECT).gauge().value()).isOne();
		assertThat(registry.get(NeonMetricsAutoConfiguration.ENDPOINT_UP).tag("pool", POOLED).gauge().value()).isZero();
		assertThat(registry.get(NeonMetricsAutoConfiguration.ENDPOINT_UP).tag("pool", DIRECT).gauge().value()).isOne();
		// What each pool is for, whatever its name: the alerts tell the pools apart by it.
		assertThat(registry.get(NeonMetricsAutoConfiguration.ENDPOINT_UP).tag("pool", POOLED).gauge().getId()
			.getTag("role")).isEqualTo("pooled");
		assertThat(registry.get(NeonMetricsAutoConfiguration.ENDPOINT_UP).tag("pool", DIRECT).gauge().getId()
			.getTag("role")).isEqualTo("direct");
		assertThat(registry.get(NeonMetricsAutoConfiguration.QUERIES)
			.tag("pool", POOLED)
			.tag("outcome", "success")
			.timer()
			.count()).isPositive();
		// No meter of any name carries a default pool name.
		assertThat(registry.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags())
			.extracting(Tag::getValue)
			.as(meter.getId().toString())
			.doesNotContain("neon-pooled", "neon-direct"));

		CompositeHealthContributor neon = (CompositeHealthContributor) context.getBean(HealthContributorRegistry.class)
			.getContributor(NeonHealthContributorAutoConfiguration.CONTRIBUTOR_NAME);
		Health pooledHealth = ((HealthIndicator) neon.getContributor("pooled")).health();
		Health directHealth = ((HealthIndicator) neon.getContributor("direct")).health();
		assertThat(pooledHealth.getStatus()).isEqualTo(Status.DOWN);
		// The TLS proof of the renamed pools is found (it is kept on the pool, not under a name).
		assertThat(pooledHealth.getDetails()).containsEntry("endpoint", "DOWN")
			.containsEntry("circuitBreaker", "FORCED_OPEN")
			.containsEntry("tls", Map.of("mode", "verify-full", "verified", true))
			.containsKey("error");
		assertThat(directHealth.getStatus()).isEqualTo(Status.UP);
		assertThat(directHealth.getDetails()).containsEntry("endpoint", "UP")
			.containsEntry("tls", Map.of("mode", "verify-full", "verified", true, "serverReportsSsl", true));
		assertThat(pooledHealth + " " + directHealth).doesNotContain("neon-pooled").doesNotContain("neon-direct");
	}

}
