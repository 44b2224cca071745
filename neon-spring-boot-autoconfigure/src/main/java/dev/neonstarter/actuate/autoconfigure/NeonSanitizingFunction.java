package dev.neonstarter.actuate.autoconfigure;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks what the starter's settings hold of secrets in {@code /actuator/env} and {@code /actuator/configprops},
 * also when an application shows their values ({@code management.endpoint.env.show-values=always}): the
 * password inside the connection strings ({@code DATABASE_URL}, {@code DIRECT_URL}, {@code READ_REPLICA_URL},
 * {@code neon.*url}, {@code spring.datasource.url}), keeping the rest readable, and every {@code neon.*}
 * password (the pools' {@code password} included) and the Neon API key, whole.
 */
final class NeonSanitizingFunction implements SanitizingFunction {

	private static final Set<String> URL_VARIABLES = Set.of("databaseurl", "directurl", "readreplicaurl",
			"springdatasourceurl");

	private static final Set<String> SECRET_VARIABLES = Set.of("neonapikey");

	/** {@code password=...} or {@code sslpassword=...} in a query string. */
	private static final Pattern QUERY_PASSWORD = Pattern.compile("((?:^|[?&;])(?:ssl)?password=)[^&;]*",
			Pattern.CASE_INSENSITIVE);

	@Override
	public SanitizableData apply(SanitizableData data) {
		Object value = data.getValue();
		if (value == null) {
			return data;
		}
		String key = normalize(data.getKey());
		boolean neon = key.startsWith("neon");
		if (SECRET_VARIABLES.contains(key) || neon && (key.endsWith("password") || key.equals("neonapikey"))) {
			return data.withSanitizedValue();
		}
		if (URL_VARIABLES.contains(key) || neon && key.endsWith("url")) {
			return data.withValue(maskPassword(value.toString()));
		}
		return data;
	}

	/** The URL with any password in its user info or query replaced by {@value SanitizableData#SANITIZED_VALUE}. */
	static String maskPassword(String url) {
		return QUERY_PASSWORD.matcher(maskUserInfoPassword(url)).replaceAll("$1" + SanitizableData.SANITIZED_VALUE);
	}

	/**
	 * {@code scheme://user:password@host}: the user information ends at the last {@code @} before the first
	 * {@code /}, as the starter's parser (and libpq) read it, so a raw {@code ?}, {@code #} or {@code @} in the
	 * password, or an {@code @} in the user name, is masked too; the password starts after the first {@code :}.
	 */
	private static String maskUserInfoPassword(String url) {
		int scheme = url.indexOf("://");
		if (scheme < 0) {
			return url;
		}
		int start = scheme + 3;
		int slash = url.indexOf('/', start);
		int at = url.lastIndexOf('@', ((slash < 0) ? url.length() : slash) - 1);
		int colon = url.indexOf(':', start);
		if (at < start || colon < 0 || colon > at) {
			return url;
		}
		return url.substring(0, colon + 1) + SanitizableData.SANITIZED_VALUE + url.substring(at);
	}

	/** {@code neon.pooled.hikari.password}, {@code NEON_API_KEY}, {@code neon.read-replica.url} alike. */
	private static String normalize(String key) {
		StringBuilder normalized = new StringBuilder(key.length());
		for (char c : key.toLowerCase(Locale.ROOT).toCharArray()) {
			if (Character.isLetterOrDigit(c)) {
				normalized.append(c);
			}
		}
		return normalized.toString();
	}

}
