package dev.neonstarter.jdbc.autoconfigure;

import java.net.Socket;
import java.sql.Connection;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonPools;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import dev.neonstarter.testsupport.UnconnectedSocketFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many connections a Neon pool opens when it starts, counted at the driver's socket factory against
 * PgBouncer and PostgreSQL with TLS. Each one is a TLS handshake and a login, several round trips to a Neon
 * endpoint, and HikariCP's start-up check with {@code minimumIdle=0} would otherwise open one and close it.
 */
@RequiresPgBouncer
class NeonPoolStartIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private String database;

	@BeforeEach
	void createDatabase() {
		this.database = this.topology.createDatabase();
		CountingSocketFactory.sockets.clear();
	}

	private ApplicationContextRunner runner() {
		String factory = CountingSocketFactory.class.getName();
		return NeonTopologyContexts.runner(this.topology, this.database)
			.withPropertyValues("neon.pooled.hikari.data-source-properties.socketFactory=" + factory,
					"neon.direct.hikari.data-source-properties.socketFactory=" + factory);
	}

	@Test
	void eachPoolOpensOneConnectionForItsStartupCheckAndTheFirstCallerGetsIt() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(CountingSocketFactory.sockets).containsOnlyKeys(NeonPools.POOLED, NeonPools.DIRECT);
			assertThat(CountingSocketFactory.sockets.get(NeonPools.POOLED)).hasValue(1);
			assertThat(CountingSocketFactory.sockets.get(NeonPools.DIRECT)).hasValue(1);
			HikariDataSource pooled = context.getBean(NeonDataSources.POOLED_BEAN_NAME,
					HikariDataSource.class);
			try (Connection connection = pooled.getConnection()) {
				assertThat(connection.isValid(5)).isTrue();
			}
			assertThat(CountingSocketFactory.sockets.get(NeonPools.POOLED)).hasValue(1);
			// The idle floor is still zero, so the connection is closed after idle-timeout as before.
			assertThat(pooled.getMinimumIdle()).isZero();
			assertThat(pooled.getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
		});
	}

	@Test
	void withoutTheStartupCheckThePoolStartsOnFirstUseWithOneConnection() {
		runner().withPropertyValues("neon.ssl.verify-on-startup=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(CountingSocketFactory.sockets).isEmpty();
			HikariDataSource direct = context.getBean(NeonDataSources.DIRECT_BEAN_NAME,
					HikariDataSource.class);
			try (Connection connection = direct.getConnection()) {
				assertThat(connection.isValid(5)).isTrue();
			}
			assertThat(CountingSocketFactory.sockets).containsOnlyKeys(NeonPools.DIRECT);
			assertThat(CountingSocketFactory.sockets.get(NeonPools.DIRECT)).hasValue(1);
			assertThat(direct.getMinimumIdle()).isZero();
		});
	}

	@Test
	void anIdleFloorSetByTheUserIsLeftAsItIs() {
		runner().withPropertyValues("neon.direct.hikari.minimum-idle=2").run((context) -> {
			assertThat(context).hasNotFailed();
			HikariDataSource direct = context.getBean(NeonDataSources.DIRECT_BEAN_NAME,
					HikariDataSource.class);
			assertThat(direct.getMinimumIdle()).isEqualTo(2);
		});
	}

	/** Counts the sockets pgjdbc opens, per pool (pgjdbc passes the connection properties, ApplicationName included). */
	public static class CountingSocketFactory extends UnconnectedSocketFactory {

		static final Map<String, AtomicInteger> sockets = new ConcurrentHashMap<>();

		private final String pool;

		public CountingSocketFactory(Properties properties) {
			this.pool = properties.getProperty("ApplicationName");
		}

		@Override
		public Socket createSocket() {
			sockets.computeIfAbsent(this.pool, (name) -> new AtomicInteger()).incrementAndGet();
			return new Socket();
		}

	}

}
