package dev.neonstarter.jdbc.autoconfigure;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonEndpoint;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.pool.NeonPoolLimits;
import dev.neonstarter.ssl.NeonTlsVerifier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.SingletonBeanRegistry;
import org.springframework.core.env.Environment;

/**
 * Checks each Neon pool once it is fully configured ({@code neon.*.hikari.*} included) and before anyone
 * (Flyway, the application) gets it: no startup parameters the pooler rejects, the direct pool not on the
 * pooler, pool sizes within the endpoint's limits, TLS proven when required, and a warning for Spring Boot's
 * {@code spring.datasource.hikari.*} settings, which the Neon pools do not use.
 * <p>
 * The TLS proof of the pooled and replica pools runs on a thread of its own while startup goes on (its
 * connection would otherwise be waited for in turn with the direct pool's, which Flyway needs at once: against
 * a suspended compute both wait for the same wake-up); startup waits for it once every singleton exists and
 * fails as before when it fails. When several pools fail, the first one created is reported.
 */
class NeonStartupChecks implements BeanPostProcessor, SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(NeonStartupChecks.class);

	private final BeanFactory beanFactory;

	/** TLS proofs started in the background and not yet waited for, in the order they were started. */
	private final Queue<CompletableFuture<Void>> pendingTlsProofs = new ConcurrentLinkedQueue<>();

	/** Once set, pools created later (lazy beans) are proven on the caller's thread: nobody would wait. */
	private volatile boolean singletonsInstantiated;

	NeonStartupChecks(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		try {
			return check(bean, beanName);
		}
		catch (RuntimeException | Error ex) {
			// A pool that fails its checks never becomes a bean, so the context would not close it: its
			// housekeeper and its endpoint monitor's probes would outlive the failed startup.
			if (isPoolBean(beanName)) {
				NeonHikariDataSource dataSource = NeonPoolBeans.unwrap(bean);
				if (dataSource != null) {
					dataSource.close();
				}
			}
			throw ex;
		}
	}

	private Object check(Object bean, String beanName) {
		boolean pooled = NeonDataSources.POOLED_BEAN_NAME.equals(beanName);
		boolean direct = NeonDataSources.DIRECT_BEAN_NAME.equals(beanName);
		// Another post-processor may have wrapped the pool already (JDBC instrumentation): checked through it.
		NeonHikariDataSource dataSource = isPoolBean(beanName) ? NeonPoolBeans.unwrap(bean) : null;
		if (dataSource != null) {
			if (direct) {
				requirePooledPool();
			}
			String prefix = pooled ? NeonDataSourceAutoConfiguration.POOLED_HIKARI
					: direct ? NeonDataSourceAutoConfiguration.DIRECT_HIKARI
							: NeonDataSourceAutoConfiguration.REPLICA_HIKARI;
			NeonEndpoints.checkBound(dataSource, prefix, direct);
			NeonEndpoint endpoint = dataSource.endpoint();
			NeonConnectionString connection = endpoint.connection();
			// Once bound: neon.*.hikari.pool-name and jdbc-url may have changed what the pool was created with.
			logger.info("Neon " + (pooled ? "pooled" : direct ? "direct" : "read replica") + " DataSource '"
					+ dataSource.getPoolName() + "': " + connection);
			if (pooled) {
				NeonUnusedDataSourceProperties.warnIfSet(this.beanFactory.getBean(Environment.class));
			}
			if (!direct) {
				NeonPoolLimits.checkPooled(dataSource, connection, prefix + ".maximum-pool-size");
			}
			NeonProperties properties = this.beanFactory.getBean(NeonProperties.class);
			if (properties.getSsl().isVerifyOnStartup()) {
				NeonTlsVerifier verifier = this.beanFactory.getBean(NeonTlsVerifier.class);
				Runnable proof = () -> dataSource.recordTlsStatus(verifier.verify(dataSource.getPoolName(), dataSource,
						endpoint.target(), endpoint.tls().mode(), direct, !connection.isNeonHost()));
				if (direct || this.singletonsInstantiated) {
					// Flyway asks the direct pool for a connection next: proving TLS with it costs nothing extra.
					runReportingEarlierFailures(proof);
				}
				else {
					this.pendingTlsProofs.add(startInBackground(dataSource.getPoolName(), proof));
				}
			}
			if (direct) {
				runReportingEarlierFailures(() -> NeonPoolLimits.checkDirect(dataSource, connection));
			}
		}
		return bean;
	}

	private static boolean isPoolBean(String beanName) {
		return NeonDataSources.POOLED_BEAN_NAME.equals(beanName) || NeonDataSources.DIRECT_BEAN_NAME.equals(beanName)
				|| NeonDataSources.REPLICA_BEAN_NAME.equals(beanName);
	}

	/**
	 * Fails before the direct pool connects when the pooled pool has been replaced by a bean that is not one, as a
	 * test's {@code @MockitoBean DataSource} replaces it (the direct pool is not a default candidate, so the mock
	 * leaves it alone): the direct pool, and Flyway on it, would otherwise reach the configured database from a test
	 * that mocked its DataSource, and startup would fail later anyway, the Neon beans needing both pools.
	 */
	private void requirePooledPool() {
		Class<?> pooledType = this.beanFactory.getType(NeonDataSources.POOLED_BEAN_NAME, false);
		if (pooledType != null && !NeonHikariDataSource.class.isAssignableFrom(pooledType)
				&& !wrapsPooledPool()) {
			throw new IllegalStateException("The Neon pooled DataSource '" + NeonDataSources.POOLED_BEAN_NAME
					+ "' has been replaced by a " + pooledType.getName() + " (a test's @MockitoBean DataSource?), so"
					+ " the Neon starter stops before its direct pool, and Flyway on it, connect. To mock the"
					+ " DataSource, turn the starter off in that test (neon.enabled=false); to test on a database,"
					+ " use @AutoConfigureEmbeddedNeon from neon-spring-boot-test.");
		}
	}

	/** Whether the pooled bean, once created, is a wrapper of the Neon pool (JDBC instrumentation's). */
	private boolean wrapsPooledPool() {
		return this.beanFactory instanceof SingletonBeanRegistry registry
				&& NeonPoolBeans.unwrap(registry.getSingleton(NeonDataSources.POOLED_BEAN_NAME)) != null;
	}

	/** Waits for the TLS proofs started in the background: startup fails here if one failed. */
	@Override
	public void afterSingletonsInstantiated() {
		this.singletonsInstantiated = true;
		awaitPendingTlsProofs(null);
	}

	private static CompletableFuture<Void> startInBackground(String poolName, Runnable proof) {
		return CompletableFuture.runAsync(proof, (task) -> {
			Thread thread = new Thread(task, "neon-tls-check-" + poolName);
			thread.setDaemon(true);
			thread.start();
		});
	}

	/**
	 * Runs a check on this thread; when it fails, a background proof that failed too (of a pool created
	 * earlier) is reported instead, as when the checks ran one after the other.
	 */
	private void runReportingEarlierFailures(Runnable check) {
		try {
			check.run();
		}
		catch (RuntimeException | Error ex) {
			awaitPendingTlsProofs(ex);
			throw ex;
		}
	}

	private void awaitPendingTlsProofs(Throwable laterFailure) {
		Throwable first = null;
		for (CompletableFuture<Void> proof; (proof = this.pendingTlsProofs.poll()) != null;) {
			try {
				proof.join();
			}
			catch (CompletionException ex) {
				Throwable failure = (ex.getCause() != null) ? ex.getCause() : ex;
				if (first == null) {
					first = failure;
				}
				else {
					first.addSuppressed(failure);
				}
			}
		}
		if (first != null) {
			if (laterFailure != null) {
				first.addSuppressed(laterFailure);
			}
			if (first instanceof Error error) {
				throw error;
			}
			throw (first instanceof RuntimeException runtime) ? runtime : new IllegalStateException(first);
		}
	}

}
