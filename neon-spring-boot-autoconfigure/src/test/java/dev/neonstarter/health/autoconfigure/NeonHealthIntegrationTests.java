package dev.neonstarter.health.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.neonstarter.jdbc.autoconfigure.NeonTopologyContexts;
import dev.neonstarter.metrics.autoconfigure.NeonMetricsAutoConfiguration;
import dev.neonstarter.pool.NeonEndpointMonitor;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.PostgresServer;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code neon} health contributor against real servers. Check queries are counted on the server, in
 * {@code pg_stat_statements}, not in the client.
 */
@RequiresPgBouncer
class NeonHealthIntegrationTests {

	private static final int PROBES = 20;

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private String database;

	@BeforeEach
	void createDatabase() {
		this.database = this.topology.createDatabase();
	}

	private ApplicationContextRunner runner() {
		return NeonTopologyContexts.runner(this.topology, this.database)
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class,
					DataSourceHealthContributorAutoConfiguration.class, NeonHealthContributorAutoConfiguration.class));
	}

	@Test
	void neonReplacesTheDbContributorWithPooledAndDirectComponents() {
		runner().run((context) -> {
			HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
			assertThat(registry.getContributor("db")).isNull();
			assertThat(registry.getContributor("neon")).isInstanceOfSatisfying(CompositeHealthContributor.class,
					(neon) -> {
						assertThat(neon.getContributor("pooled")).isInstanceOf(HealthIndicator.class);
						assertThat(neon.getContributor("direct")).isInstanceOf(HealthIndicator.class);
					});
		});
	}

	@Test
	void detailsShowTlsPoolAndServer() {
		runner().run((context) -> {
			context.getBean(JdbcTemplate.class).queryForObject("SELECT 1", Integer.class);
			Health health = indicator(context, "pooled").health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("reachable", true)
				.containsEntry("probeMode", "passive")
				.containsKey("lastSuccess")
				.containsKey("serverVersion")
				.containsEntry("tls", Map.of("mode", "verify-full", "verified", true));
			assertThat(health.getDetails().get("pool")).isEqualTo(Map.of("name", "neon-pooled", "active", 0, "idle", 1,
					"pending", 0, "max", 10, "utilization", 0.0));
			assertThat(indicator(context, "direct").health().getDetails().get("pool"))
				.asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("name", "neon-direct");
			assertThat(indicator(context, "direct").health().getDetails().get("tls"))
				.isEqualTo(Map.of("mode", "verify-full", "verified", true, "serverReportsSsl", true));
		});
	}

	@Test
	void passiveProbesIssueNoQueries() {
		runner().run((context) -> {
			context.getBean(JdbcTemplate.class).queryForObject("SELECT 1", Integer.class);
			for (int i = 0; i < PROBES; i++) {
				assertThat(indicator(context, "pooled").health().getStatus()).isEqualTo(Status.UP);
				assertThat(indicator(context, "direct").health().getStatus()).isEqualTo(Status.UP);
			}
			assertThat(checkQueriesOnServer()).isZero();
			// Idle and up, the endpoint monitor runs nothing either: no probe, no stall watch, so no query and
			// no connection (the stall watch ends within a second of the last statement).
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
					.noneMatch((thread) -> thread.getName().startsWith("neon-monitor-")
							|| (thread.getName().startsWith("neon-stall-watch-") && thread.isAlive())));
			assertThat(indicator(context, "pooled").health().getDetails()).containsEntry("endpoint", "UP")
				.doesNotContainKey("endpointSince");
			assertThat(checkQueriesOnServer()).isZero();
		});
	}

	@Test
	void passiveProbesOfAnIdleApplicationAreUpWithoutQuerying() {
		runner().run((context) -> {
			Health health = indicator(context, "direct").health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(checkQueriesOnServer()).isZero();
		});
	}

	@Test
	void activeProbesQueryAtMostOncePerCacheTtl() {
		runner().withPropertyValues("neon.health.probe-mode=active", "neon.health.cache-ttl=1h").run((context) -> {
			for (int i = 0; i < PROBES; i++) {
				assertThat(indicator(context, "pooled").health().getStatus()).isEqualTo(Status.UP);
			}
			assertThat(checkQueriesOnServer()).isEqualTo(1);
		});
	}

	@Test
	void activeProbesWithoutCacheQueryEveryTime() {
		runner().withPropertyValues("neon.health.probe-mode=active", "neon.health.cache-ttl=0").run((context) -> {
			for (int i = 0; i < PROBES; i++) {
				Health health = indicator(context, "pooled").health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("checkedNow", true).containsKey("latencyMs");
			}
			assertThat(checkQueriesOnServer()).isEqualTo(PROBES);
		});
	}

	@Test
	void utilizationAboveTheThresholdCarriesAWarning() {
		runner().withPropertyValues("neon.pooled.hikari.maximum-pool-size=2").run((context) -> {
			javax.sql.DataSource pooled = context.getBean(javax.sql.DataSource.class);
			try (Connection a = pooled.getConnection(); Connection b = pooled.getConnection()) {
				Health health = indicator(context, "pooled").health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat((String) health.getDetails().get("warning")).contains("pool utilization 100% is above 80%");
			}
			assertThat(indicator(context, "pooled").health().getDetails()).doesNotContainKey("warning");
		});
	}

	@Test
	void failingPoolIsDownAndRecoversWithoutTraffic() throws Exception {
		Path directory = Files.createTempDirectory("neon-health");
		try (PostgresServer server = PostgresServer.plain(directory)) {
			String url = "postgresql://postgres@localhost:" + server.port() + "/postgres?sslmode=disable";
			plainServerRunner(url).withPropertyValues("neon.health.recheck-interval=0")
				.run((context) -> {
					JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
					jdbc.queryForObject("SELECT 1", Integer.class);
					assertThat(indicator(context, "pooled").health().getStatus()).isEqualTo(Status.UP);

					server.stop();
					// The application's own traffic discovers the outage.
					org.assertj.core.api.Assertions.assertThatException()
						.isThrownBy(() -> jdbc.queryForObject("SELECT 1", Integer.class));
					Health down = indicator(context, "pooled").health();
					assertThat(down.getStatus()).isEqualTo(Status.DOWN);
					assertThat(down.getDetails()).containsEntry("reachable", false).containsKey("error");

					assertThat(down.getDetails()).containsEntry("endpoint", "DOWN").containsKey("endpointSince");

					server.start();
					// No traffic: the endpoint monitor's probe sees the server back within its interval (1 s at
					// most), then the failing pool is re-checked by the health probe itself and comes back.
					org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
						Health up = indicator(context, "pooled").health();
						assertThat(up.getStatus()).isEqualTo(Status.UP);
						assertThat(up.getDetails()).containsEntry("checkedNow", true).containsEntry("endpoint", "UP");
					});
				});
		}
	}

	@Test
	void aFailureCountsOnceHoweverOftenTheHealthRechecksIt() throws Exception {
		Path directory = Files.createTempDirectory("neon-health");
		try (PostgresServer server = PostgresServer.plain(directory)) {
			String url = "postgresql://postgres@localhost:" + server.port() + "/postgres?sslmode=disable";
			plainServerRunner(url).withPropertyValues("neon.health.recheck-interval=0").run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				jdbc.queryForObject("SELECT 1", Integer.class);
				server.stop();
				// The first query loses its connection; the second's attempt to connect is refused.
				for (int i = 0; i < 2; i++) {
					org.assertj.core.api.Assertions.assertThatException()
						.isThrownBy(() -> jdbc.queryForObject("SELECT 1", Integer.class));
				}
				NeonHikariDataSource pooled = context.getBean("neonPooledDataSource", NeonHikariDataSource.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> pooled.monitor().state() == NeonEndpointMonitor.State.DOWN);
				double counted = failures(context, "neon-pooled");
				assertThat(counted).isPositive();
				// Each check while the endpoint is down fails fast: the outage is the pool's, counted already.
				for (int i = 0; i < 5; i++) {
					Health health = indicator(context, "pooled").health();
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails()).containsEntry("checkedNow", true);
				}
				assertThat(failures(context, "neon-pooled")).isEqualTo(counted);
			});
		}
	}

	@Test
	void aRefusedLoginOfTheCheckCountsOnce() throws Exception {
		Path directory = Files.createTempDirectory("neon-health");
		try (PostgresServer server = PostgresServer.plain(directory)) {
			String url = "postgresql://no_such_role@localhost:" + server.port() + "/postgres?sslmode=disable";
			plainServerRunner(url).withPropertyValues("neon.health.probe-mode=active", "neon.health.cache-ttl=0")
				.run((context) -> {
					for (int i = 1; i <= 3; i++) {
						assertThat(indicator(context, "pooled").health().getStatus()).isEqualTo(Status.DOWN);
						// The alert on refused logins counts them: one check, one failure (class 28).
						assertThat(failures(context, "neon-pooled", "28")).isEqualTo(i);
					}
				});
		}
	}

	private ApplicationContextRunner plainServerRunner(String url) {
		return NeonTopologyContexts.runner(this.topology, this.database)
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, NeonHealthContributorAutoConfiguration.class,
					MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					NeonMetricsAutoConfiguration.class))
			.withPropertyValues("neon.url=" + url, "neon.direct-url=" + url, "neon.ssl.mode=disable",
					"neon.ssl.root-cert=", "neon.health.timeout=10s", "neon.pooled.hikari.connection-timeout=1000");
	}

	private static double failures(ApplicationContext context, String pool, String... sqlStateClass) {
		var search = context.getBean(MeterRegistry.class)
			.find(NeonMetricsAutoConfiguration.CONNECTION_FAILURES)
			.tag("pool", pool);
		if (sqlStateClass.length > 0) {
			search = search.tag("sqlstate.class", sqlStateClass[0]);
		}
		return search.counters().stream().mapToDouble(Counter::count).sum();
	}

	@Test
	void aHungServerCannotHangTheProbe() throws Exception {
		try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			blackHoleRunner(blackHole).withPropertyValues("neon.health.timeout=500ms")
				.run((context) -> {
					Health health = indicator(context, "pooled").health();
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat((String) health.getDetails().get("error")).contains("timed out after 500 ms");
					// The next probe does not queue behind the stuck one.
					Health again = indicator(context, "pooled").health();
					assertThat(again.getStatus()).isEqualTo(Status.DOWN);
				});
		}
	}

	@Test
	void aProbeDuringAnotherProbesCheckDoesNotWaitForIt() throws Exception {
		try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			blackHoleRunner(blackHole).withPropertyValues("neon.health.cache-ttl=0", "neon.health.timeout=30s")
				.run((context) -> {
					HealthIndicator pooled = indicator(context, "pooled");
					Thread first = new Thread(pooled::health, "first-probe");
					first.start();
					await().atMost(Duration.ofSeconds(10))
						.until(() -> Thread.getAllStackTraces().keySet().stream()
							.anyMatch((thread) -> thread.getName().equals("neon-health-neon-pooled")));
					// The first probe's check waits on the black hole for up to 30 s; the second answers meanwhile.
					assertThat(pooled.health()).isNotNull();
					assertThat(first.isAlive()).isTrue();
					first.interrupt();
				});
		}
	}

	/**
	 * The pooled pool, actively probed, on a server that accepts TCP connections and never answers: the driver
	 * would wait for the connection timeout (30 s here).
	 */
	private static ApplicationContextRunner blackHoleRunner(ServerSocket blackHole) {
		String url = "postgresql://app@127.0.0.1:" + blackHole.getLocalPort() + "/app?sslmode=disable";
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(
					dev.neonstarter.jdbc.autoconfigure.NeonDataSourceAutoConfiguration.class,
					HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
					NeonHealthContributorAutoConfiguration.class))
			.withPropertyValues("neon.url=" + url, "neon.health.probe-mode=active",
					"neon.pooled.hikari.connection-timeout=30000");
	}

	private long checkQueriesOnServer() {
		List<Long> calls = new ArrayList<>();
		try (Connection connection = this.topology.postgres().adminDataSource("postgres").getConnection();
				var statement = connection.prepareStatement("SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s"
						+ " JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = ? AND s.query LIKE ?")) {
			statement.setString(1, this.database);
			statement.setString(2, "%neon_health_check%");
			try (var rs = statement.executeQuery()) {
				rs.next();
				calls.add(rs.getLong(1));
			}
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return calls.get(0);
	}

	private static HealthIndicator indicator(ApplicationContext context, String component) {
		CompositeHealthContributor neon = (CompositeHealthContributor) context.getBean(HealthContributorRegistry.class)
			.getContributor("neon");
		return (HealthIndicator) neon.getContributor(component);
	}

}
