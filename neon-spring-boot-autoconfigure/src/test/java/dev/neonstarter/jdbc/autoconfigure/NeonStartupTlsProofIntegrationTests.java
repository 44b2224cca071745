package dev.neonstarter.jdbc.autoconfigure;

import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The startup TLS proof of the pooled DataSource runs while the direct DataSource's is made, not after it,
 * against PgBouncer and PostgreSQL with TLS ({@code NeonTlsIntegrationTests}: startup still fails when it fails),
 * and at startup with lazy initialization too.
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
