package dev.neonstarter.jdbc.autoconfigure;

import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.Configuration;

import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Migrates as Spring Boot does, except when there is nothing to migrate: no resource in Flyway's locations, no
 * Java migration or resolver configured, and no migration applied before. Then Flyway is not run, so it does not
 * create an empty {@code flyway_schema_history}; that table would defeat Flyway's baseline check (which refuses to
 * migrate a non-empty schema without one) once the application adds its first migration to a schema that already
 * has tables. Only that last case asks the database ({@code Flyway.info()}); locations that hold anything go
 * straight to {@code migrate()}.
 */
final class NeonFlywayMigrationStrategy implements FlywayMigrationStrategy {

	private static final Log logger = LogFactory.getLog(NeonFlywayMigrationStrategy.class);

	private final ResourcePatternResolver resources;

	NeonFlywayMigrationStrategy(ResourcePatternResolver resources) {
		this.resources = resources;
	}

	@Override
	public void migrate(Flyway flyway) {
		Configuration configuration = flyway.getConfiguration();
		if (mayHoldMigrations(configuration) || flyway.info().all().length > 0) {
			flyway.migrate();
			return;
		}
		logger.info("No Flyway migrations in " + Arrays.stream(configuration.getLocations())
			.map(Location::getDescriptor)
			.collect(Collectors.joining(", "))
				+ ": Flyway is not run, and no flyway_schema_history table is created");
	}

	private boolean mayHoldMigrations(Configuration configuration) {
		if (configuration.getJavaMigrations().length > 0 || configuration.getResolvers().length > 0) {
			return true;
		}
		for (Location location : configuration.getLocations()) {
			String pattern;
			if (location.isClassPath()) {
				pattern = ResourcePatternResolver.CLASSPATH_ALL_URL_PREFIX + location.getRootPath() + "/**/*";
			}
			else if (location.isFileSystem()) {
				pattern = "file:" + location.getRootPath() + "/**/*";
			}
			else {
				// A cloud storage location: let Flyway look.
				return true;
			}
			if (holdsFile(pattern)) {
				return true;
			}
		}
		return false;
	}

	private boolean holdsFile(String pattern) {
		try {
			for (Resource resource : this.resources.getResources(pattern)) {
				if (resource.isReadable()) {
					return true;
				}
			}
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

}
