package dev.neonstarter.autoconfigure.jdbc;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.autoconfigure.NeonProperties;
import dev.neonstarter.autoconfigure.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.autoconfigure.connection.NeonConnectionString;
import dev.neonstarter.autoconfigure.connection.NeonPoolerEndpointException;
import dev.neonstarter.autoconfigure.ssl.NeonSslMode;
import dev.neonstarter.autoconfigure.ssl.NeonTlsVerifier;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Checks each Neon pool once it is fully configured ({@code neon.*.hikari.*} included) and before anyone
 * (Flyway, the application) gets it: no startup parameters the pooler rejects, the direct pool not on the
 * pooler, pool sizes within the endpoint's limits, and TLS proven when required.
 * <p>
 * The TLS proof of the pooled and replica pools runs on a thread of its own while startup goes on (its
 * connection would otherwise be waited for in turn with the direct pool's, which Flyway needs at once: against
 * a suspended compute both wait for the same wake-up); startup waits for it once every singleton exists and
 * fails as before when it fails. When several pools fail, the first one created is reported.
 */
class NeonStartupChecks implements BeanPostProcessor, SmartInitializingSingleton {

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
		boolean pooled = NeonDataSourceAutoConfiguration.POOLED_DATA_SOURCE.equals(beanName);
		boolean direct = NeonDataSourceAutoConfiguration.DIRECT_DATA_SOURCE.equals(beanName);
		boolean replica = NeonDataSourceAutoConfiguration.REPLICA_DATA_SOURCE.equals(beanName);
		if ((pooled || direct || replica) && bean instanceof HikariDataSource dataSource) {
			NeonDataSourceConnections connections = this.beanFactory.getBean(NeonDataSourceConnections.class);
			NeonConnectionString connection = pooled ? connections.pooled()
					: direct ? connections.direct() : connections.replica();
			if (pooled && connections.pooledThroughPgBouncer()) {
				NeonDataSourceConnections.checkPoolerParameters(dataSource.getDataSourceProperties().keySet());
			}
			if (replica && connection.isPooledEndpoint()) {
				NeonDataSourceConnections.checkPoolerParameters(dataSource.getDataSourceProperties().keySet(),
						"neon.read-replica.hikari.data-source-properties");
			}
			if (pooled || replica) {
				String prefix = pooled ? NeonDataSourceAutoConfiguration.POOLED_HIKARI : "neon.read-replica.hikari";
				NeonPoolLimits.checkPooled(dataSource, connection, prefix + ".maximum-pool-size");
			}
			else {
				checkDirectUrlOverride(dataSource);
			}
			NeonProperties properties = this.beanFactory.getBean(NeonProperties.class);
			if (properties.getSsl().isVerifyOnStartup()) {
				NeonSslMode mode = NeonSslMode.of(dataSource.getDataSourceProperties().getProperty("sslmode"));
				NeonTlsVerifier verifier = this.beanFactory.getBean(NeonTlsVerifier.class);
				Runnable proof = () -> verifier.verify(dataSource.getPoolName(), dataSource,
						connection.host() + ":" + connection.port(), mode, direct, !connection.isNeonHost());
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

	/** neon.direct.hikari.jdbc-url replaces the URL the direct pool was built with: it must not be the pooler. */
	private static void checkDirectUrlOverride(HikariDataSource dataSource) {
		NeonConnectionString url;
		try {
			url = NeonConnectionString.parse(dataSource.getJdbcUrl());
		}
		catch (InvalidNeonConnectionStringException ex) {
			return;
		}
		if (url.isPooledEndpoint()) {
			throw new NeonPoolerEndpointException("neon.direct.hikari.jdbc-url", url);
		}
	}

}
