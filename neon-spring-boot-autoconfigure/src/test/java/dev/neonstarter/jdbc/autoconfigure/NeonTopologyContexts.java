package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.testsupport.NeonTestTopology;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Application contexts wired to a {@link NeonTestTopology} the way a user on Neon would configure them:
 * pooled URL to PgBouncer, direct URL to PostgreSQL, verify-full against the test root.
 */
public final class NeonTopologyContexts {

	private NeonTopologyContexts() {
	}

	/**
	 * A runner with the Neon, DataSource, JdbcTemplate and Flyway auto-configurations, pointed at the
	 * topology. Flyway has no migrations unless {@code spring.flyway.locations} is set.
	 */
	public static ApplicationContextRunner runner(NeonTestTopology topology, String database) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
					DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					FlywayAutoConfiguration.class))
			.withPropertyValues("neon.url=" + topology.pooledUrl(database, ""),
					"neon.direct-url=" + topology.directUrl(database, ""),
					"neon.ssl.mode=verify-full",
					"neon.ssl.root-cert=" + topology.certificates().caCertificate(),
					// Debian's PgBouncer 1.18 has no protocol-level prepared statements; Neon's has.
					"neon.pooled.prepared-statements=disabled",
					"spring.flyway.enabled=false");
	}

}
