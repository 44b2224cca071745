package dev.neonstarter.autoconfigure.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.autoconfigure.NeonProperties;
import dev.neonstarter.autoconfigure.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.autoconfigure.connection.NeonConnectionString;
import dev.neonstarter.autoconfigure.connection.NeonPoolerEndpointException;
import dev.neonstarter.autoconfigure.ssl.NeonSslMode;
import dev.neonstarter.autoconfigure.ssl.NeonTlsVerifier;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Checks each Neon pool once it is fully configured ({@code neon.*.hikari.*} included) and before anyone
 * (Flyway, the application) gets it: no startup parameters the pooler rejects, the direct pool not on the
 * pooler, pool sizes within the endpoint's limits, and TLS proven when required.
 */
class NeonStartupChecks implements BeanPostProcessor {

	private final BeanFactory beanFactory;

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
				this.beanFactory.getBean(NeonTlsVerifier.class)
					.verify(dataSource.getPoolName(), dataSource, connection.host() + ":" + connection.port(), mode,
							direct, !connection.isNeonHost());
			}
			if (direct) {
				NeonPoolLimits.checkDirect(dataSource, connection);
			}
		}
		return bean;
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
