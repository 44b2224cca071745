package dev.neonstarter.jdbc.autoconfigure;

import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.pool.NeonPools;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import dev.neonstarter.testsupport.UnconnectedSocketFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * The startup TLS proof of the pooled DataSource runs while the direct DataSource's is made, not after it,
 * against PgBouncer and PostgreSQL with TLS ({@code NeonTlsIntegrationTests}: startup still fails when it fails),
 * at startup with lazy initialization too, and when startup fails while the proof is still starting its pool,
 * the pool is shut down once started.
 */
@RequiresPgBouncer
class NeonStartupTlsProofIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private String database;

	@BeforeEach
	void createDatabase() {
		this.database = this.topology.createDatabase();
	}

	@Test
	void pooledAndDirectProofsOpenTheirConnectionsAtTheSameTime() {
		RendezvousSocketFactory.reset();
		String factory = RendezvousSocketFactory.class.getName();
		NeonTopologyContexts.runner(this.topology, this.database)
			.withPropertyValues("neon.pooled.hikari.data-source-properties.socketFactory=" + factory,
					"neon.direct.hikari.data-source-properties.socketFactory=" + factory)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// One after the other, the first pool's socket would have waited for the second in vain.
				assertThat(RendezvousSocketFactory.met).containsOnly(entry(NeonPools.POOLED, true),
						entry(NeonPools.DIRECT, true));
				NeonDataSources pools = context.getBean(NeonDataSources.class);
				assertThat(pools.pooled().tlsStatus().verified()).isTrue();
				assertThat(pools.direct().tlsStatus().verified()).isTrue();
			});
	}

	@Test
	void withLazyInitializationThePoolsAreCreatedAndProvenAtStartup() {
		NeonTopologyContexts.runner(this.topology, this.database)
			.withInitializer((context) -> context
				.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// Nothing has asked for them: the refresh created and checked them, not a first request.
				ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
				assertThat(beanFactory.containsSingleton("neonDataSources")).isTrue();
				for (String name : List.of(NeonDataSources.POOLED_BEAN_NAME, NeonDataSources.DIRECT_BEAN_NAME)) {
					assertThat(beanFactory.getSingleton(name)).as(name)
						.isInstanceOfSatisfying(NeonHikariDataSource.class,
								(pool) -> assertThat(pool.tlsStatus().verified()).isTrue());
				}
			});
	}

	@Test
	void aPoolCreatedAfterStartupIsProvenBeforeItIsHandedOut() {
		NeonTopologyContexts.runner(this.topology, this.database)
			.withInitializer((context) -> {
				// Lazy by their own definitions, as @Lazy makes beans: lazy initialization leaves them eager.
				context.addBeanFactoryPostProcessor((beanFactory) -> List
					.of(NeonDataSources.POOLED_BEAN_NAME, NeonDataSources.DIRECT_BEAN_NAME, "neonDataSources")
					.forEach((name) -> beanFactory.getBeanDefinition(name).setLazyInit(true)));
				context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor());
			})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanFactory().containsSingleton(NeonDataSources.POOLED_BEAN_NAME)).isFalse();
				NeonHikariDataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME,
						NeonHikariDataSource.class);
				assertThat(pooled.tlsStatus()).isNotNull();
			});
	}

	@Test
	void aPoolStillStartingWhenStartupFailsIsShutDownOnceItHasStarted() throws InterruptedException {
		HeldSocketFactory.reset();
		// The pooled pool on PostgreSQL itself (not PgBouncer), so the server shows its connection.
		NeonTopologyContexts.runner(this.topology, this.database)
			.withPropertyValues("neon.url=" + this.topology.directUrl(this.database, ""),
					"neon.pooled.hikari.pool-name=" + HeldSocketFactory.POOL,
					"neon.pooled.hikari.data-source-properties.socketFactory=" + HeldSocketFactory.class.getName())
			.withUserConfiguration(FailingAfterThePool.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(HeldSocketFactory.askedBeforeTheFailure).isTrue();
			});
		// The context closed the pool while its TLS proof was still connecting; now the connection is made.
		HeldSocketFactory.held.countDown();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().equals("neon-tls-check-" + HeldSocketFactory.POOL)) {
				thread.join(10_000);
			}
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(Thread.getAllStackTraces().keySet()).map(Thread::getName)
				.noneMatch((name) -> name.contains(HeldSocketFactory.POOL));
			assertThat(new JdbcTemplate(this.topology.postgres().adminDataSource(this.database)).queryForObject(
					"SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", Integer.class,
					HeldSocketFactory.POOL))
				.isZero();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingAfterThePool {

		@Bean
		Object failingAfterThePool(DataSource dataSource) {
			// Fails once the pool's TLS proof is connecting on its own thread, as a later bean would.
			HeldSocketFactory.askedBeforeTheFailure = HeldSocketFactory.await(HeldSocketFactory.asked);
			throw new IllegalStateException("A bean created after the pooled DataSource failed");
		}

	}

	/**
	 * Holds the first socket of the pool {@link #POOL} until {@link #held} is counted down (10 s at most), and
	 * says through {@link #asked} that it was asked for.
	 */
	public static class HeldSocketFactory extends UnconnectedSocketFactory {

		static final String POOL = "neon-pooled-held";

		static volatile CountDownLatch asked = new CountDownLatch(1);

		static volatile CountDownLatch held = new CountDownLatch(1);

		static volatile boolean askedBeforeTheFailure;

		private final String pool;

		public HeldSocketFactory(Properties properties) {
			this.pool = properties.getProperty("ApplicationName");
		}

		static void reset() {
			asked = new CountDownLatch(1);
			held = new CountDownLatch(1);
			askedBeforeTheFailure = false;
		}

		static boolean await(CountDownLatch latch) {
			try {
				return latch.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}

		@Override
		public Socket createSocket() {
			if (POOL.equals(this.pool) && asked.getCount() > 0) {
				asked.countDown();
				await(held);
			}
			return new Socket();
		}

	}

	/**
	 * Makes the first socket of each pool wait for the other pool's first socket (10 s at most), and records
	 * whether they met.
	 */
	public static class RendezvousSocketFactory extends UnconnectedSocketFactory {

		static final Map<String, Boolean> met = new ConcurrentHashMap<>();

		private static final Set<String> asked = ConcurrentHashMap.newKeySet();

		private static volatile CountDownLatch bothAsking = new CountDownLatch(2);

		private final String pool;

		public RendezvousSocketFactory(Properties properties) {
			this.pool = properties.getProperty("ApplicationName");
		}

		static void reset() {
			met.clear();
			asked.clear();
			bothAsking = new CountDownLatch(2);
		}

		@Override
		public Socket createSocket() {
			if (asked.add(this.pool)) {
				CountDownLatch latch = bothAsking;
				latch.countDown();
				try {
					met.put(this.pool, latch.await(10, TimeUnit.SECONDS));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					met.put(this.pool, false);
				}
			}
			return new Socket();
		}

	}

}
