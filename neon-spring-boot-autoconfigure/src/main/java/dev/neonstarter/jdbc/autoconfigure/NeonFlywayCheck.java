package dev.neonstarter.jdbc.autoconfigure;

import javax.sql.DataSource;

import org.flywaydb.core.api.configuration.FluentConfiguration;

import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.core.env.Environment;

/**
 * Flyway's DataSource as {@link NeonMigrationDataSource} decides it: never Neon's pooler, the direct pool with
 * {@code spring.flyway.user}/{@code password} applied, and a warning for an unused {@code spring.flyway.url}.
 */
class NeonFlywayCheck implements FlywayConfigurationCustomizer {

	private final Environment environment;

	NeonFlywayCheck(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void customize(FluentConfiguration configuration) {
		DataSource dataSource = configuration.getDataSource();
		DataSource migrations = NeonMigrationDataSource.resolve("Flyway", "spring.flyway", dataSource, this.environment);
		if (migrations != dataSource) {
			configuration.dataSource(migrations);
		}
	}

}
