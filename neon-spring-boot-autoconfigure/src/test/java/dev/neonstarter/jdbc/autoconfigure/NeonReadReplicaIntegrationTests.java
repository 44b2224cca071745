package dev.neonstarter.jdbc.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import dev.neonstarter.health.autoconfigure.NeonHealthContributorAutoConfiguration;
import dev.neonstarter.metrics.autoconfigure.NeonMetricsAutoConfiguration;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.replica.NeonReplicaFallbacks;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.ReadReplicaServer;
import dev.neonstarter.testsupport.ReplicatedTopology;
import dev.neonstarter.testsupport.RequiresPgBaseBackup;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Read/write routing against a real primary and a real read replica: the Neon-shaped topology (PgBouncer and
 * PostgreSQL, TLS) as the primary, and a streaming hot standby of its PostgreSQL as the replica. Which server
 * answered is read from the server itself, in the transaction: {@code pg_is_in_recovery()} and the port it
 * listens on. Replication is asynchronous; tests that need the replica to lag pause its replay.
 */
@RequiresPgBouncer
@RequiresPgBaseBackup
class NeonReadReplicaIntegrationTests {

	private static final String WHICH_SERVER = "SELECT CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END"
			+ " || ':' || current_setting('port')";

	@RegisterExtension
	static final ReplicatedTopology servers = new ReplicatedTopology();

	private final NeonTestTopology topology = servers.topology();

	private final ReadReplicaServer replica = servers.replica();

	private String database;

	@BeforeEach
	void createDatabase() {
		this.database = this.topology.createDatabase();
		this.topology.postgres()
			.execute(this.database, "CREATE TABLE items (id int)", "GRANT SELECT, INSERT ON items TO app_user");
		// The database and its table reach the replica by replication.
		this.replica.awaitReplay();
	}

	private ApplicationContextRunner runner() {
		return NeonTopologyContexts.runner(this.topology, this.database)
			.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class))
			.withPropertyValues("neon.read-replica.url=" + this.replica.url(this.database, ""))
			.withBean(Reads.class);
	}

	private String onReplica() {
		return "replica:" + this.replica.port();
	}

	private String onPrimary() {
		return "primary:" + this.topology.postgres().port();
	}

	@Test
	void readOnlyTransactionsRunOnTheReplicaAndEverythingElseOnThePrimary() {
		runner().run((context) -> {
			assertThat(context.getBean(DataSource.class)).isInstanceOf(LazyConnectionDataSourceProxy.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			Reads reads = context.getBean(Reads.class);
			String onReplica = onReplica();
			String onPrimary = onPrimary();
			assertThat(reads.readOnly()).isEqualTo(onReplica);
			assertThat(whichIn(context, true)).isEqualTo(onReplica);
			assertThat(reads.readWrite()).isEqualTo(onPrimary);
			assertThat(whichIn(context, false)).isEqualTo(onPrimary);
			assertThat(which(jdbc)).as("outside a transaction").isEqualTo(onPrimary);
		});
	}

	@Test
	void thePoolsIsolationLevelIsTheRoutingDefaultAndATransactionMayAskForAnother() {
		runner().withPropertyValues("neon.pooled.hikari.transaction-isolation=TRANSACTION_REPEATABLE_READ")
			.run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
				String byDefault = new TransactionTemplate(transactionManager)
					.execute((status) -> jdbc.queryForObject("SHOW transaction_isolation", String.class));
				assertThat(byDefault).isEqualTo("repeatable read");
				// The routing proxy applies a level only when it differs from what it takes as the default.
				TransactionTemplate readCommitted = new TransactionTemplate(transactionManager);
				readCommitted.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
				String asked = readCommitted
					.execute((status) -> jdbc.queryForObject("SHOW transaction_isolation", String.class));
				assertThat(asked).isEqualTo("read committed");
			});
	}

	@Test
	void writesGoToThePrimaryAndReachTheReplicaByReplication() {
		runner().run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			transactions(context, false).executeWithoutResult((status) -> jdbc.update("INSERT INTO items VALUES (1)"));
			jdbc.update("INSERT INTO items VALUES (2)");
			assertThat(count(this.topology.postgres().adminDataSource(this.database))).isEqualTo(2);
			this.replica.awaitReplay();
			assertThat(count(this.replica.postgres().adminDataSource(this.database))).isEqualTo(2);
			assertThat(countIn(context, true)).isEqualTo(2);
		});
	}

	@Test
	void aReadOnlyTransactionSeesTheReplicaLagBehindThePrimaryUntilReplayResumes() {
		runner().run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			this.replica.pauseReplay();
			try {
				jdbc.update("INSERT INTO items VALUES (1)");
				assertThat(countIn(context, false)).as("read-write transaction, on the primary").isEqualTo(1);
				// The replica has received the insert but not replayed it: a read right after a write misses it.
				Reads reads = context.getBean(Reads.class);
				assertThat(reads.readOnlyCount()).isEqualTo(onReplica() + " items=0");
				assertThat(countIn(context, true)).isZero();
			}
			finally {
				this.replica.resumeReplay();
			}
			this.replica.awaitReplay();
			assertThat(context.getBean(Reads.class).readOnlyCount()).isEqualTo(onReplica() + " items=1");
		});
	}

	@Test
	void aWriteInAReadOnlyTransactionIsRefusedByTheReplicaWith25006() {
		runner().run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			AtomicReference<String> server = new AtomicReference<>();
			assertThatException().isThrownBy(() -> context.getBean(Reads.class).writeInReadOnly(server))
				.withMessageContaining("cannot execute INSERT in a read-only transaction")
				.satisfies((ex) -> assertThat(sqlState(ex)).isEqualTo("25006"));
			assertThat(server.get()).as("the server the transaction ran on").isEqualTo(onReplica());
			assertThat(count(this.topology.postgres().adminDataSource(this.database))).isZero();
			// A hot standby refuses every write, not only those in read-only transactions.
			assertThatException()
				.isThrownBy(() -> this.replica.postgres().execute(this.database, "INSERT INTO items VALUES (1)"))
				.satisfies((ex) -> assertThat(sqlState(ex)).isEqualTo("25006"));
			// The transaction's failure did not leave anything behind: the next write works, on the primary.
			jdbc.update("INSERT INTO items VALUES (1)");
			assertThat(count(this.topology.postgres().adminDataSource(this.database))).isEqualTo(1);
			this.replica.awaitReplay();
			assertThat(count(this.replica.postgres().adminDataSource(this.database))).isEqualTo(1);
		});
	}

	@Test
	void readOnlyWorkDoesNotTouchThePrimary() {
		// No startup TLS check, so nothing but the test's own work takes connections.
		runner().withPropertyValues("neon.ssl.verify-on-startup=false").run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			for (int i = 0; i < 3; i++) {
				whichIn(context, true);
			}
			// A read-only transaction without statements takes no connection at all.
			transactions(context, true).executeWithoutResult((status) -> {
			});
			NeonHikariDataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME,
					NeonHikariDataSource.class);
			NeonHikariDataSource replicaPool = context.getBean(NeonDataSources.REPLICA_BEAN_NAME,
					NeonHikariDataSource.class);
			// A suspended primary compute stays suspended while the replica serves reads.
			assertThat(pooled.activity().lastSuccess()).isNull();
			assertThat(pooled.getHikariPoolMXBean()).isNull();
			assertThat(replicaPool.activity().lastSuccess()).isNotNull();
		});
	}

	@Test
	void readOnlyWorkFallsBackToAReadOnlyPrimaryConnectionWhileTheReplicaIsDown() {
		try {
			runner().withPropertyValues("neon.read-replica.hikari.connection-timeout=5000")
				.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
						SimpleMetricsExportAutoConfiguration.class, NeonMetricsAutoConfiguration.class,
						HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
						NeonHealthContributorAutoConfiguration.class))
				.run((context) -> {
					JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					assertThat(whichIn(context, true)).isEqualTo(onReplica());

					this.replica.stop();
					// The stop ended the idle replica connections; HikariCP notices on the next borrow.
					replicaPool(context).getHikariPoolMXBean().softEvictConnections();
					for (int i = 0; i < 3; i++) {
						assertThat(whichIn(context, true)).isEqualTo(onPrimary());
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

					this.replica.start();
					// The replica's endpoint monitor probes it (1 s apart at most): until then reads still fall back.
					await().atMost(Duration.ofSeconds(30))
						.untilAsserted(() -> assertThat(whichIn(context, true)).isEqualTo(onReplica()));
					Health recovered = neonComponent(context, "replica").health();
					assertThat(recovered.getStatus()).isEqualTo(Status.UP);
					assertThat(recovered.getDetails().get("fallback")).asInstanceOf(
							org.assertj.core.api.InstanceOfAssertFactories.map(String.class, Object.class))
						.containsEntry("active", false);
				});
		}
		finally {
			this.replica.start();
		}
	}

	@Test
	void withoutFallbackAnUnavailableReplicaFailsReadOnlyWork() {
		try {
			runner()
				.withPropertyValues("neon.read-replica.fallback=false", "neon.read-replica.hikari.connection-timeout=5000")
				.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
						HealthContributorRegistryAutoConfiguration.class, NeonHealthContributorAutoConfiguration.class))
				.run((context) -> {
					JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
					assertThat(whichIn(context, true)).isEqualTo(onReplica());
					this.replica.stop();
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
					assertThat(which(jdbc)).isEqualTo(onPrimary());
				});
		}
		finally {
			this.replica.start();
		}
	}

	@Test
	void neonHealthHasAReplicaComponentAndStillReplacesDb() {
		runner()
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
		runner()
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

	@Test
	void theEndpointGaugeTellsTheReplicaApartWhateverItsPoolIsCalled() {
		runner()
			.withPropertyValues("neon.read-replica.hikari.pool-name=orders-replica",
					"neon.read-replica.hikari.connection-timeout=5000")
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, NeonMetricsAutoConfiguration.class))
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find(NeonMetricsAutoConfiguration.ENDPOINT_UP).gauges())
					.extracting((gauge) -> gauge.getId().getTag("pool") + "=" + gauge.getId().getTag("role"))
					.containsExactlyInAnyOrder("neon-pooled=pooled", "neon-direct=direct",
							"orders-replica=read-replica");
				this.replica.stop();
				try {
					replicaPool(context).getHikariPoolMXBean().softEvictConnections();
					whichIn(context, true);
					await().atMost(Duration.ofSeconds(20))
						.until(() -> registry.get(NeonMetricsAutoConfiguration.ENDPOINT_UP)
							.tag("role", "read-replica")
							.gauge()
							.value() == 0);
				}
				finally {
					this.replica.start();
				}
			});
	}

	private static NeonHikariDataSource replicaPool(ApplicationContext context) {
		return context.getBean(NeonDataSources.REPLICA_BEAN_NAME, NeonHikariDataSource.class);
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

	/** The SQLState of the first {@link SQLException} in the cause chain. */
	private static String sqlState(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql) {
				return sql.getSQLState();
			}
		}
		return null;
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
		public String readOnlyCount() {
			return which(this.jdbc) + " items=" + count(this.jdbc);
		}

		/** Notes the server the transaction runs on, then writes. */
		@Transactional(readOnly = true)
		public void writeInReadOnly(AtomicReference<String> server) {
			server.set(which(this.jdbc));
			this.jdbc.update("INSERT INTO items VALUES (1)");
		}

	}

}
