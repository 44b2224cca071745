package dev.neonstarter.jdbc.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.pool.NeonHikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.AbstractDriverBasedDataSource;
import org.springframework.util.StringUtils;

/**
 * Refuses to let Flyway migrate through Neon's pooler, whose transaction mode cannot hold Flyway's session
 * advisory lock or {@code SET}. Also says when {@code spring.flyway.url} is set but unused: Spring Boot
 * prefers the {@code @FlywayDataSource} (the starter's direct DataSource) over it.
 */
class NeonFlywayCheck implements FlywayConfigurationCustomizer {

	private static final Log logger = LogFactory.getLog(NeonFlywayCheck.class);

	private final Environment environment;

	NeonFlywayCheck(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void customize(FluentConfiguration configuration) {
		DataSource dataSource = configuration.getDataSource();
		NeonConnectionString used = (dataSource instanceof NeonHikariDataSource neon) ? neon.endpoint().connection()
				: NeonEndpoints.parseOrNull(jdbcUrl(dataSource));
		// A URL that is not a connection string the starter understands is not a Neon pooler either.
		if (used != null) {
			NeonEndpoints.requireDirect("Flyway's DataSource", used);
		}
		String flywayUrl = this.environment.getProperty("spring.flyway.url");
		if (StringUtils.hasText(flywayUrl) && dataSource instanceof NeonHikariDataSource neon) {
			NeonConnectionString configured = NeonEndpoints.parseOrNull(flywayUrl);
			if (configured != null) {
				NeonEndpoints.requireDirect("spring.flyway.url", configured);
			}
			logger.warn("spring.flyway.url is not used: Flyway migrates through " + neon.getPoolName()
					+ ", which Spring Boot prefers (@FlywayDataSource). Set neon.direct-url (and neon.direct.username"
					+ " / neon.direct.password) to choose where migrations run");
		}
	}

	private static @Nullable String jdbcUrl(@Nullable DataSource dataSource) {
		if (dataSource instanceof HikariDataSource hikari) {
			return hikari.getJdbcUrl();
		}
		if (dataSource instanceof AbstractDriverBasedDataSource driverBased) {
			return driverBased.getUrl();
		}
		return null;
	}

}
