package dev.neonstarter.test;

import java.util.function.Function;

import dev.neonstarter.api.NeonApiSettings;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.StringUtils;

/**
 * The Neon API settings of a test run, read from an environment outside any application context: the
 * {@code neon.api.*} names of the starter's properties ({@code NEON_API_KEY} and the like as environment
 * variables, as a {@code StandardEnvironment} maps them), with the {@code NEON_PROJECT_ID} fallback and the
 * same defaults. Durations are written as in {@code application.properties} ({@code 10ms}, {@code 2m},
 * {@code PT30S}).
 */
final class NeonApiEnvironment {

	private static final String PREFIX = "neon.api.";

	private NeonApiEnvironment() {
	}

	static NeonApiSettings settings(PropertyResolver environment) {
		String projectId = environment.getProperty(PREFIX + "project-id");
		if (!StringUtils.hasText(projectId)) {
			projectId = environment.getProperty(NeonApiSettings.PROJECT_ID_VARIABLE);
		}
		NeonApiSettings settings = NeonApiSettings.of(environment.getProperty(PREFIX + "key"), projectId);
		settings = with(environment, "base-url", Function.identity(), settings, NeonApiSettings::withBaseUrl);
		settings = with(environment, "request-timeout", DurationStyle::detectAndParse, settings,
				NeonApiSettings::withRequestTimeout);
		settings = with(environment, "operation-timeout", DurationStyle::detectAndParse, settings,
				NeonApiSettings::withOperationTimeout);
		settings = with(environment, "poll-interval", DurationStyle::detectAndParse, settings,
				NeonApiSettings::withPollInterval);
		settings = with(environment, "max-retries", (value) -> Integer.parseInt(value.strip()), settings,
				NeonApiSettings::withMaxRetries);
		return with(environment, "retry-backoff", DurationStyle::detectAndParse, settings,
				NeonApiSettings::withRetryBackoff);
	}

	private static <T> NeonApiSettings with(PropertyResolver environment, String name, Function<String, T> parser,
			NeonApiSettings settings, Wither<T> wither) {
		String value = environment.getProperty(PREFIX + name);
		if (!StringUtils.hasText(value)) {
			return settings;
		}
		T parsed;
		try {
			parsed = parser.apply(value);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(PREFIX + name + " '" + value + "' is not valid: " + ex.getMessage(), ex);
		}
		return wither.with(settings, parsed);
	}

	@FunctionalInterface
	private interface Wither<T> {

		NeonApiSettings with(NeonApiSettings settings, T value);

	}

}
