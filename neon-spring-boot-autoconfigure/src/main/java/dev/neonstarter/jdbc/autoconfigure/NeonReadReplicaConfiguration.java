package dev.neonstarter.jdbc.autoconfigure;

import java.sql.Connection;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonEndpoint;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.pool.NeonPools;
import dev.neonstarter.replica.NeonReplicaFallbacks;
import dev.neonstarter.replica.ReplicaFallbackDataSource;

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
import org.springframework.util.Assert;

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

	/**
	 * The pooled pool, not primary here: the routing DataSource is. Bound to {@code neon.pooled.hikari.*} like
	 * the primary variant in {@link NeonDataSourceAutoConfiguration}, which carries the
	 * {@code @ConfigurationProperties} (and so the configuration metadata: one method per prefix).
	 */
	@Bean(name = NeonDataSources.POOLED_BEAN_NAME)
	NeonHikariDataSource neonPooledDataSource(NeonEndpoints endpoints, NeonProperties properties,
			Environment environment) {
		NeonHikariDataSource pooled = NeonDataSourceAutoConfiguration.pooled(endpoints, properties);
		Binder.get(environment).bind(NeonDataSourceAutoConfiguration.POOLED_HIKARI, Bindable.ofInstance(pooled));
		return pooled;
	}

	@Bean(name = NeonDataSources.REPLICA_BEAN_NAME, defaultCandidate = false)
	@ConfigurationProperties(NeonDataSourceAutoConfiguration.REPLICA_HIKARI)
	NeonHikariDataSource neonReplicaDataSource(NeonEndpoints endpoints, NeonProperties properties) {
		NeonEndpoint replica = endpoints.replica();
		Assert.state(replica != null, "No read replica endpoint although neon.read-replica.url is set");
		return NeonDataSourceAutoConfiguration.configure(NeonPools.replica(replica), properties);
	}

	@Bean
	NeonReplicaFallbacks neonReplicaFallbacks(NeonProperties properties) {
		return new NeonReplicaFallbacks(properties.getReadReplica().isFallback());
	}

	@Bean(name = NeonDataSources.ROUTING_BEAN_NAME)
	@Primary
	LazyConnectionDataSourceProxy dataSource(@Qualifier(NeonDataSources.POOLED_BEAN_NAME) DataSource pooledBean,
			@Qualifier(NeonDataSources.REPLICA_BEAN_NAME) DataSource replicaBean, NeonReplicaFallbacks fallbacks) {
		// The pools, not instrumentation's wrappers of them: instrumentation wraps this DataSource too, and would
		// see each statement twice.
		NeonHikariDataSource pooled = NeonPoolBeans.require(pooledBean, NeonDataSources.POOLED_BEAN_NAME);
		NeonHikariDataSource replica = NeonPoolBeans.require(replicaBean, NeonDataSources.REPLICA_BEAN_NAME);
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
		String isolation = pooled.poolTransactionIsolation();
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
