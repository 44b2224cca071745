package dev.neonstarter.autoconfigure.jdbc;

import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import dev.neonstarter.autoconfigure.health.NeonHealthContributorAutoConfiguration;
import dev.neonstarter.autoconfigure.metrics.NeonMetricsAutoConfiguration;
import dev.neonstarter.autoconfigure.testsupport.NeonTestTopology;
import dev.neonstarter.autoconfigure.testsupport.NeonTopologyContexts;
import dev.neonstarter.autoconfigure.testsupport.ReadReplicaServer;
import dev.neonstarter.autoconfigure.testsupport.RequiresPgBouncer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Read/write routing against two real servers: the Neon-shaped topology (PgBouncer and PostgreSQL, TLS) as the
 * primary, and a second PostgreSQL with read-only databases as the replica. Which server answered is read from
 * the server itself: a marker row that differs between the two, and the port it listens on.
 */
@RequiresPgBouncer
class NeonReadReplicaIntegrationTests {

	private static final String WHICH_SERVER = "SELECT name || ':' || current_setting('port') FROM server_role";

	private static ReadReplicaServer replica;

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private String database;

	@BeforeAll
	static void startReplica() {
		replica = ReadReplicaServer.start(NeonTestTopology.shared());
	}

	@AfterAll
	static void stopReplica() {
		replica.close();
	}

	@BeforeEach
	void createDatabases() {
		this.database = this.topology.createDatabase();
		this.topology.postgres()
			.execute(this.database, "CREATE TABLE server_role (name text)", "INSERT INTO server_role VALUES ('primary')",
					"CREATE TABLE items (id int)", "GRANT SELECT, INSERT ON server_role, items TO app_user");
		createOnReplica(replica, this.database);
	}

	private static void createOnReplica(ReadReplicaServer server, String database) {
		server.createDatabase(database, "CREATE TABLE server_role (name text)",
				"INSERT INTO server_role VALUES ('replica')", "CREATE TABLE items (id int)",
				"GRANT SELECT, INSERT ON server_role, items TO app_user");
	}

	private ApplicationContextRunner runner(ReadReplicaServer server) {
		return NeonTopologyContexts.runner(this.topology, this.database)
			.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class))
			.withPropertyValues("neon.read-replica.url=" + server.url(this.database, ""))
			.withBean(Reads.class);
	}

	@Test
	void readOnlyTransactionsRunOnTheReplicaAndEverythingElseOnThePrimary() {
		runner(replica).run((context) -> {
			assertThat(context.getBean(DataSource.class)).isInstanceOf(LazyConnectionDataSourceProxy.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			Reads reads = context.getBean(Reads.class);
			String onReplica = "replica:" + replica.port();
			String onPrimary = "primary:" + this.topology.postgres().port();
			assertThat(reads.readOnly()).isEqualTo(onReplica);
			assertThat(whichIn(context, true)).isEqualTo(onReplica);
			assertThat(reads.readWrite()).isEqualTo(onPrimary);
			assertThat(whichIn(context, false)).isEqualTo(onPrimary);
			assertThat(which(jdbc)).as("outside a transaction").isEqualTo(onPrimary);
		});
	}

	@Test
	void writesGoToThePrimary() {
		runner(replica).run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			transactions(context, false).executeWithoutResult((status) -> jdbc.update("INSERT INTO items VALUES (1)"));
			jdbc.update("INSERT INTO items VALUES (2)");
			assertThat(count(this.topology.postgres().adminDataSource(this.database))).isEqualTo(2);
			assertThat(count(replica.postgres().adminDataSource(this.database))).isZero();
			// A read-only transaction sees the replica, which replication has not caught up with yet.
			assertThat(countIn(context, true)).isZero();
		});
	}

	@Test
	void aWriteInAReadOnlyTransactionFailsClearly() {
		runner(replica).run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThatException().isThrownBy(() -> context.getBean(Reads.class).writeInReadOnly())
				.withMessageContaining("cannot execute INSERT in a read-only transaction");
			assertThat(count(this.topology.postgres().adminDataSource(this.database))).isZero();
			assertThat(count(replica.postgres().adminDataSource(this.database))).isZero();
			// The transaction's failure did not leave anything behind: the next write works, on the primary.
			jdbc.update("INSERT INTO items VALUES (1)");
			assertThat(count(this.topology.postgres().adminDataSource(this.database))).isEqualTo(1);
		});
	}

	@Test
	void readOnlyWorkDoesNotTouchThePrimary() {
		// No startup TLS check, so nothing but the test's own work takes connections.
		runner(replica).withPropertyValues("neon.ssl.verify-on-startup=false").run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			for (int i = 0; i < 3; i++) {
				whichIn(context, true);
			}
			// A read-only transaction without statements takes no connection at all.
			transactions(context, true).executeWithoutResult((status) -> {
			});
			NeonHikariDataSource pooled = context.getBean(NeonDataSourceAutoConfiguration.POOLED_DATA_SOURCE,
					NeonHikariDataSource.class);
			NeonHikariDataSource replicaPool = context.getBean(NeonDataSourceAutoConfiguration.REPLICA_DATA_SOURCE,
					NeonHikariDataSource.class);
			// A suspended primary compute stays suspended while the replica serves reads.
			assertThat(pooled.activity().lastSuccess()).isNull();
			assertThat(pooled.getHikariPoolMXBean()).isNull();
			assertThat(replicaPool.activity().lastSuccess()).isNotNull();
		});
	}

	@Test
	void readOnlyWorkFallsBackToAReadOnlyPrimaryConnectionWhileTheReplicaIsDown() throws Exception {
		try (ReadReplicaServer stopped = ReadReplicaServer.start(this.topology)) {
			createOnReplica(stopped, this.database);
			runner(stopped).withPropertyValues("neon.read-replica.hikari.connection-timeout=500")
				.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
						SimpleMetricsExportAutoConfiguration.class, NeonMetricsAutoConfiguration.class,
						HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
						NeonHealthContributorAutoConfiguration.class))
				.run((context) -> {
					JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					assertThat(whichIn(context, true)).startsWith("replica:");

					stopped.stop();
					// The stop ended the idle replica connections; HikariCP notices on the next borrow.
					replicaPool(context).getHikariPoolMXBean().softEvictConnections();
					for (int i = 0; i < 3; i++) {
						assertThat(whichIn(context, true))
							.isEqualTo("primary:" + this.topology.postgres().port());
					}
					// On the primary too, the transaction is read-only...
					assertThatException()
						.isThrownBy(() -> transactions(context, true)
							.executeWithoutResult((status) -> jdbc.update("INSERT INTO items VALUES (1)")))
						.withMessageContaining("cannot execute INSERT in a read-only transaction");
					// ...and the connection went back to the pool read-write.
					jdbc.update("INSERT INTO items VALUES (2)");
					assertThat(count(this.topology.postgres().adminDataSource(this.database))).isEqualTo(1);

					NeonReplicaFallbacks fallbacks = context.getBean(NeonReplicaFallbacks.class);
					assertThat(fallbacks.count()).isEqualTo(4);
					assertThat(fallbacks.lastReason()).contains("neon-replica");
					// The first refused connection marked the replica's endpoint down: the other fallbacks did
					// not wait for it.
					assertThat(registry.find(NeonMetricsAutoConfiguration.REPLICA_FALLBACKS)
						.counters()
						.stream()
						.mapToDouble(io.micrometer.core.instrument.Counter::count)
						.sum()).isEqualTo(4);
					assertThat(registry.get(NeonMetricsAutoConfiguration.REPLICA_FALLBACKS)
						.tag("reason", "endpoint-down")
						.counter()
						.count()).isGreaterThanOrEqualTo(3);
					Health health = neonComponent(context, "replica").health();
					assertThat(health.getStatus().getCode()).isEqualTo("DEGRADED");
					assertThat(health.getDetails()).containsEntry("reachable", false);
					assertThat(health.getDetails().get("fallback")).asInstanceOf(
							org.assertj.core.api.InstanceOfAssertFactories.map(String.class, Object.class))
						.containsEntry("enabled", true)
						.containsEntry("active", true)
						.containsEntry("count", 4L)
						.containsKey("lastReason");
					assertThat(neonComponent(context, "pooled").health().getStatus()).isEqualTo(Status.UP);

					stopped.start();
					// The replica's endpoint monitor probes it (1 s apart at most): until then reads still fall back.
					await().atMost(Duration.ofSeconds(30))
						.untilAsserted(() -> assertThat(whichIn(context, true)).startsWith("replica:"));
					Health recovered = neonComponent(context, "replica").health();
					assertThat(recovered.getStatus()).isEqualTo(Status.UP);
					assertThat(recovered.getDetails().get("fallback")).asInstanceOf(
							org.assertj.core.api.InstanceOfAssertFactories.map(String.class, Object.class))
						.containsEntry("active", false);
				});
		}
	}

	@Test
	void withoutFallbackAnUnavailableReplicaFailsReadOnlyWork() throws Exception {
		try (ReadReplicaServer stopped = ReadReplicaServer.start(this.topology)) {
			createOnReplica(stopped, this.database);
			runner(stopped)
				.withPropertyValues("neon.read-replica.fallback=false", "neon.read-replica.hikari.connection-timeout=500")
				.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
						HealthContributorRegistryAutoConfiguration.class, NeonHealthContributorAutoConfiguration.class))
				.run((context) -> {
					JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
					assertThat(whichIn(context, true)).startsWith("replica:");
					stopped.stop();
					replicaPool(context).getHikariPoolMXBean().softEvictConnections();
					assertThatException().isThrownBy(() -> whichIn(context, true))
						.withMessageContaining("the endpoint of neon-replica is down");
					assertThat(context.getBean(NeonReplicaFallbacks.class).count()).isZero();
					Health health = neonComponent(context, "replica").health();
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails().get("fallback")).asInstanceOf(
							org.assertj.core.api.InstanceOfAssertFactories.map(String.class, Object.class))
						.containsEntry("enabled", false)
						.containsEntry("active", false);
					// Read-write work is not affected.
					assertThat(which(jdbc)).startsWith("primary:");
				});
		}
	}

	@Test
	void neonHealthHasAReplicaComponentAndStillReplacesDb() {
		runner(replica)
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class,
					NeonHealthContributorAutoConfiguration.class))
			.run((context) -> {
				whichIn(context, true);
				HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
				assertThat(registry.getContributor("db")).isNull();
				Health health = neonComponent(context, "replica").health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("reachable", true)
					.containsEntry("tls", Map.of("mode", "verify-full", "verified", true))
					.containsKeys("serverVersion", "pool", "fallback");
			});
	}

	@Test
	void springBootBindsHikariMetricsForAllThreePools() {
		runner(replica)
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, DataSourcePoolMetricsAutoConfiguration.class,
					NeonMetricsAutoConfiguration.class))
			.run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				whichIn(context, true);
				which(jdbc);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("hikaricp.connections.max").tag("pool", "neon-replica").gauge().value())
					.isEqualTo(10);
				assertThat(registry.get("hikaricp.connections.max").tag("pool", "neon-pooled").gauge().value())
					.isEqualTo(10);
				assertThat(registry.get("hikaricp.connections.max").tag("pool", "neon-direct").gauge().value())
					.isEqualTo(2);
				assertThat(registry.get("neon.queries").tag("pool", "neon-replica").tag("outcome", "success").timer()
					.count()).isEqualTo(1);
				assertThat(registry.get("neon.tls.verified").tag("pool", "neon-replica").gauge().value()).isEqualTo(1);
			});
	}

	private static NeonHikariDataSource replicaPool(ApplicationContext context) {
		return context.getBean(NeonDataSourceAutoConfiguration.REPLICA_DATA_SOURCE, NeonHikariDataSource.class);
	}

	private static TransactionTemplate transactions(ApplicationContext context, boolean readOnly) {
		TransactionTemplate template = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		template.setReadOnly(readOnly);
		return template;
	}

	private static String whichIn(ApplicationContext context, boolean readOnly) {
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		return transactions(context, readOnly).execute((status) -> which(jdbc));
	}

	private static Integer countIn(ApplicationContext context, boolean readOnly) {
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		return transactions(context, readOnly).execute((status) -> count(jdbc));
	}

	private static String which(JdbcTemplate jdbc) {
		return jdbc.queryForObject(WHICH_SERVER, String.class);
	}

	private static int count(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT count(*) FROM items", Integer.class);
	}

	private static int count(DataSource admin) {
		return count(new JdbcTemplate(admin));
	}

	private static HealthIndicator neonComponent(ApplicationContext context, String name) {
		CompositeHealthContributor neon = (CompositeHealthContributor) context.getBean(HealthContributorRegistry.class)
			.getContributor("neon");
		return (HealthIndicator) neon.getContributor(name);
	}

	/** Declarative transactions, as an application writes them. */
	public static class Reads {

		private final JdbcTemplate jdbc;

		public Reads(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true)
		public String readOnly() {
			return which(this.jdbc);
		}

		@Transactional
		public String readWrite() {
			return which(this.jdbc);
		}

		@Transactional(readOnly = true)
		public void writeInReadOnly() {
			this.jdbc.update("INSERT INTO items VALUES (1)");
		}

	}

}
