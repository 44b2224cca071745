package dev.neonstarter.jdbc.autoconfigure;

import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Says which of Spring Boot's HikariCP settings ({@code spring.datasource.hikari.*}, which configure the DataSource
 * Spring Boot would have made) an application still sets while the starter makes its pools: they are not applied,
 * and the pools take theirs from {@code neon.pooled.hikari.*} and {@code neon.direct.hikari.*}. An application that
 * moves onto the starter would otherwise lose its pool size, leak detection or driver properties without a word.
 */
final class NeonUnusedDataSourceProperties {

	static final String HIKARI = "spring.datasource.hikari";

	private static final ConfigurationPropertyName HIKARI_NAME = ConfigurationPropertyName.of(HIKARI);

	/** Spring Boot's other settings of the DataSource it would have made, and what takes their place. */
	private static final String[][] OTHER_SETTINGS = {
			{ "spring.datasource.name", "they are named by neon.pooled.hikari.pool-name and neon.direct.hikari.pool-name"
					+ " (the pool tag of their hikaricp_* meters)" },
			{ "spring.datasource.type", "they are HikariCP pools" },
			{ "spring.datasource.connection-fetch", "they hand out a connection when one is asked for" } };

	private static final Log logger = LogFactory.getLog(NeonUnusedDataSourceProperties.class);

	private NeonUnusedDataSourceProperties() {
	}

	/** Warns once, naming the settings (never their values), when any is set. */
	static void warnIfSet(Environment environment) {
		Set<String> names = hikariSettings(environment);
		if (!names.isEmpty()) {
			logger.warn("spring.datasource.hikari.* is not used by the Neon pools: " + String.join(", ", names)
					+ ". Set them as neon.pooled.hikari.* (the application's DataSource) or neon.direct.hikari.*"
					+ " (migrations and session work), e.g. neon.pooled.hikari." + names.iterator().next());
		}
		for (String[] setting : OTHER_SETTINGS) {
			if (environment.containsProperty(setting[0])) {
				logger.warn(setting[0] + " is not used by the Neon pools: " + setting[1]);
			}
		}
	}

	/** The settings under {@code spring.datasource.hikari}, by their name below it, in every form (env vars too). */
	static Set<String> hikariSettings(Environment environment) {
		Set<String> names = new TreeSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.filter(HIKARI_NAME::isAncestorOf).stream().forEach((name) -> names.add(below(name)));
			}
		}
		return names;
	}

	/** {@code maximum-pool-size}, or {@code data-source-properties} for a map entry beneath it. */
	private static String below(ConfigurationPropertyName name) {
		return name.getElement(HIKARI_NAME.getNumberOfElements(), ConfigurationPropertyName.Form.DASHED);
	}

}
