package dev.neonstarter.autoconfigure.jdbc;

import java.sql.Connection;

import dev.neonstarter.autoconfigure.NeonProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * With {@code neon.read-replica.url} set: the replica pool {@code neonReplicaDataSource} ({@code neon-replica},
 * read-only connections) and, as the application's primary {@code dataSource}, Spring's
 * {@link LazyConnectionDataSourceProxy} over the pooled pool with the replica as its read-only DataSource. The
 * proxy takes a real connection at the first statement, when the transaction's read-only flag is known:
 * transactions marked read-only run on the replica, everything else on the pooled primary. The pooled pool
 * stays the bean {@code neonPooledDataSource}, so health, metrics and the circuit breaker find it as before.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnReadReplicaCondition.class)
class NeonReadReplicaConfiguration {

	private static final Log logger = LogFactory.getLog(NeonReadReplicaConfiguration.class);

	/**
	 * The pooled pool, not primary here: the routing DataSource is. Bound to {@code neon.pooled.hikari.*} like
	 * the primary variant in {@link NeonDataSourceAutoConfiguration}, which carries the
	 * {@code @ConfigurationProperties} (and so the configuration metadata: one method per prefix).
	 */
	@Bean(name = NeonDataSourceAutoConfiguration.POOLED_DATA_SOURCE)
	NeonHikariDataSource neonPooledDataSource(NeonDataSourceConnections connections, NeonProperties properties,
			Environment environment) {
		NeonHikariDataSource pooled = NeonDataSourceAutoConfiguration.pooled(connections, properties);
		Binder.get(environment).bind(NeonDataSourceAutoConfiguration.POOLED_HIKARI, Bindable.ofInstance(pooled));
		return pooled;
	}

	@Bean(name = NeonDataSourceAutoConfiguration.REPLICA_DATA_SOURCE, defaultCandidate = false)
	@ConfigurationProperties("neon.read-replica.hikari")
	NeonHikariDataSource neonReplicaDataSource(NeonDataSourceConnections connections, NeonProperties properties) {
		logger.info("Neon read replica DataSource '" + NeonPools.REPLICA + "': " + connections.replica());
		return NeonDataSourceAutoConfiguration.withSlowQueryLog(NeonPools.createReplica(connections.replica()),
				properties);
	}

	@Bean
	NeonReplicaFallbacks neonReplicaFallbacks(NeonProperties properties) {
		return new NeonReplicaFallbacks(properties.getReadReplica().isFallback());
	}

	@Bean(name = NeonDataSourceAutoConfiguration.ROUTING_DATA_SOURCE)
	@Primary
	LazyConnectionDataSourceProxy dataSource(
			@Qualifier(NeonDataSourceAutoConfiguration.POOLED_DATA_SOURCE) NeonHikariDataSource pooled,
			@Qualifier(NeonDataSourceAutoConfiguration.REPLICA_DATA_SOURCE) NeonHikariDataSource replica,
			NeonReplicaFallbacks fallbacks) {
		if (replica.isAutoCommit() != pooled.isAutoCommit()) {
			// The proxy applies one auto-commit default to connections from both pools.
			throw new InvalidConfigurationPropertyValueException("neon.read-replica.hikari.auto-commit",
					replica.isAutoCommit(), "it must equal neon.pooled.hikari.auto-commit (" + pooled.isAutoCommit()
							+ "): read-only transactions switch between the two pools");
		}
		LazyConnectionDataSourceProxy routing = new LazyConnectionDataSourceProxy();
		routing.setTargetDataSource(pooled);
		routing.setReadOnlyDataSource(
				fallbacks.enabled() ? new ReplicaFallbackDataSource(replica, pooled, fallbacks) : replica);
		// Given, not discovered: the proxy would otherwise open a primary connection to learn them, waking the
		// primary compute for work that only needs the replica.
		routing.setDefaultAutoCommit(pooled.isAutoCommit());
		String isolation = pooled.getTransactionIsolation();
		if (isolation == null) {
			// PostgreSQL's default; set neon.pooled.hikari.transaction-isolation if the role's differs.
			routing.setDefaultTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		}
		else if (isolation.chars().allMatch(Character::isDigit)) {
			routing.setDefaultTransactionIsolation(Integer.parseInt(isolation));
		}
		else {
			routing.setDefaultTransactionIsolationName(isolation);
		}
		return routing;
	}

}
