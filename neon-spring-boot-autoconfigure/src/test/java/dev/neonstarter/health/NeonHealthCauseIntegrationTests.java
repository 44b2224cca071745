package dev.neonstarter.health;

import java.net.InetAddress;
import java.net.ServerSocket;

import dev.neonstarter.health.autoconfigure.NeonHealthContributorAutoConfiguration;
import dev.neonstarter.jdbc.autoconfigure.NeonDataSourceAutoConfiguration;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.testsupport.FaultProxy;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code neon} health's {@code error} names why a pool cannot connect (refused, authentication), not the
 * probe's own timeout or interrupt.
 */
@RequiresPgBouncer
class NeonHealthCauseIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private static ApplicationContextRunner runner(String url, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
					HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
					NeonHealthContributorAutoConfiguration.class))
			.withPropertyValues("neon.url=" + url, "neon.health.probe-mode=active", "neon.health.timeout=5s")
			.withPropertyValues(properties);
	}

	@Test
	void aRefusedConnectionIsNamedWhenThePoolStarts() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		runner("postgresql://app:secret-pw@127.0.0.1:" + closedPort + "/app?sslmode=disable",
				"neon.ssl.verify-on-startup=false")
			.run((context) -> {
				Health health = indicator(context, "pooled").health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat((String) health.getDetails().get("error")).startsWith("connection refused: ")
					.contains(String.valueOf(closedPort))
					.doesNotContain("secret-pw");
			});
	}

	@Test
	void aRefusedConnectionIsNamedWhileThePoolRuns() {
		String database = this.topology.createDatabase();
		FaultProxy proxy = FaultProxy.start(this.topology.postgres().port());
		String url = this.topology.urlAt(proxy.port(), database, "sslmode=verify-full&sslrootcert="
				+ this.topology.certificates().caCertificate());
		runner(url).run((context) -> {
			NeonHikariDataSource pooled = pooled(context);
			pooled.getConnection().close();
			proxy.close();
			pooled.getHikariPoolMXBean().softEvictConnections();
			Health health = indicator(context, "pooled").health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) health.getDetails().get("error")).startsWith("connection refused: ")
				.doesNotContain("Interrupted");
		});
	}

	@Test
	void aRefusedLoginIsNamed() {
		String database = this.topology.createDatabase();
		String role = "health_cause_" + database;
		this.topology.postgres().execute("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'first-pw'");
		String url = this.topology.directUrl(database, "sslmode=verify-full&sslrootcert="
				+ this.topology.certificates().caCertificate());
		runner(url, "neon.username=" + role, "neon.password=first-pw").run((context) -> {
			NeonHikariDataSource pooled = pooled(context);
			pooled.getConnection().close();
			this.topology.postgres().execute("postgres", "ALTER ROLE " + role + " PASSWORD 'second-pw'");
			pooled.getHikariPoolMXBean().softEvictConnections();
			Health health = indicator(context, "pooled").health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) health.getDetails().get("error")).startsWith("authentication failed: ")
				.contains(role)
				.doesNotContain("first-pw");
		});
	}

	private static NeonHikariDataSource pooled(ApplicationContext context) {
		return context.getBean(NeonDataSources.POOLED_BEAN_NAME, NeonHikariDataSource.class);
	}

	private static HealthIndicator indicator(ApplicationContext context, String component) {
		CompositeHealthContributor neon = (CompositeHealthContributor) context.getBean(HealthContributorRegistry.class)
			.getContributor("neon");
		return (HealthIndicator) neon.getContributor(component);
	}

}
