package dev.neonstarter.jdbc.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.neonstarter.connection.NeonConnectionString;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * {@link NeonConnectionDetails} from {@code neon.*} properties, falling back to the {@code DATABASE_URL} and
 * {@code DIRECT_URL} environment variables, then to a {@code spring.datasource.url} that names a Neon host (with
 * {@code spring.datasource.username}/{@code password}). Resolved once, eagerly, so a bad string fails startup.
 * A Neon URL and a {@code spring.datasource.url} naming another database fail startup
 * ({@link NeonDataSourceUrlConflictException}): either choice, made silently, could send an application or a
 * test to a database it did not mean.
 */
final class PropertiesNeonConnectionDetails implements NeonConnectionDetails {

	static final String DATABASE_URL = "DATABASE_URL";

	static final String DIRECT_URL = "DIRECT_URL";

	static final String SPRING_DATASOURCE_URL = "spring.datasource.url";

	static final String SPRING_DATASOURCE_USERNAME = "spring.datasource.username";

	static final String SPRING_DATASOURCE_PASSWORD = "spring.datasource.password";

	private static final Log logger = LogFactory.getLog(PropertiesNeonConnectionDetails.class);

	private final NeonConnectionString pooled;

	private final NeonConnectionString direct;

	private final @Nullable NeonConnectionString readReplica;

	PropertiesNeonConnectionDetails(NeonProperties properties, Environment environment) {
		Source primary = source("neon.url", properties.getUrl(), DATABASE_URL, environment);
		String dataSourceUrl = dataSourceUrl(environment);
		NeonConnectionString dataSource = NeonEndpoints.parseOrNull(dataSourceUrl);
		NeonConnectionString main;
		if (primary != null) {
			main = primary.parse();
			if (dataSourceUrl != null) {
				checkSameDatabase(primary, main, dataSourceUrl, dataSource);
				main = withDataSourceCredentials(primary, main, environment);
			}
		}
		else if (dataSource != null && dataSource.isNeonHost()) {
			main = dataSource.withCredentials(
					NeonEndpoints.blankToNull(environment.getProperty(SPRING_DATASOURCE_USERNAME)),
					NeonEndpoints.blankToNull(environment.getProperty(SPRING_DATASOURCE_PASSWORD)));
			logger.info("Neon DataSources use spring.datasource.url (a Neon host " + main.host() + "), as neither"
					+ " neon.url nor DATABASE_URL is set");
		}
		else {
			throw new NeonUrlNotConfiguredException(properties.getEmbedded().isEnabled());
		}
		main = main.withCredentials(NeonEndpoints.blankToNull(properties.getUsername()),
				NeonEndpoints.blankToNull(properties.getPassword()));
		Source directSource = source("neon.direct-url", properties.getDirectUrl(), DIRECT_URL, environment);
		NeonConnectionString directString;
		if (directSource != null) {
			directString = directSource.parse();
			NeonEndpoints.requireDirect(directSource.name, directString);
			directString = NeonEndpoints.withDefaultCredentials(directString, main, properties);
		}
		else {
			directString = main.toDirect();
		}
		this.pooled = main.toPooled();
		this.direct = directString.withCredentials(NeonEndpoints.blankToNull(properties.getDirect().getUsername()),
				NeonEndpoints.blankToNull(properties.getDirect().getPassword()));
		this.readReplica = NeonEndpoints.readReplica(properties, main);
	}

	@Override
	public NeonConnectionString getPooled() {
		return this.pooled;
	}

	@Override
	public NeonConnectionString getDirect() {
		return this.direct;
	}

	@Override
	public @Nullable NeonConnectionString getReadReplica() {
		return this.readReplica;
	}

	/** Whether a connection string is configured through properties or the environment. */
	static boolean isConfigured(Environment environment) {
		return StringUtils.hasText(environment.getProperty("neon.url"))
				|| StringUtils.hasText(environment.getProperty(DATABASE_URL));
	}

	/** {@code spring.datasource.url} (or {@code SPRING_DATASOURCE_URL}) when it has text, else {@code null}. */
	static @Nullable String dataSourceUrl(Environment environment) {
		return NeonEndpoints.blankToNull(environment.getProperty(SPRING_DATASOURCE_URL));
	}

	/** Whether a URL is one the starter understands and names a Neon host. */
	static boolean isNeonUrl(String url) {
		NeonConnectionString connection = NeonEndpoints.parseOrNull(url);
		return connection != null && connection.isNeonHost();
	}

	/**
	 * A {@code spring.datasource.url} beside a Neon URL is fine when it names the same database (as platforms
	 * that export both do); anything else fails startup rather than choosing one silently.
	 */
	private static void checkSameDatabase(Source neonSource, NeonConnectionString neon, String dataSourceUrl,
			@Nullable NeonConnectionString other) {
		if (other == null) {
			throw new NeonDataSourceUrlConflictException(neonSource.name, neon.host(), describe(dataSourceUrl));
		}
		boolean same = neon.toDirect().host().equalsIgnoreCase(other.toDirect().host()) && neon.port() == other.port()
				&& Objects.equals(neon.database(), other.database());
		if (!same) {
			throw new NeonDataSourceUrlConflictException(neonSource.name, neon.host(),
					other.address() + "/" + other.database());
		}
	}

	/**
	 * {@code spring.datasource.username}/{@code password} beside a Neon URL for the same database (often
	 * {@code spring.datasource.url=${DATABASE_URL}}, the user and password set apart as Neon's Spring snippet shows
	 * them) fill in what the Neon URL lacks; where it carries its own, they are not used, and a warning names them
	 * (never a value), since {@code neon.username}/{@code neon.password} are the way to override it.
	 */
	private static NeonConnectionString withDataSourceCredentials(Source neonSource, NeonConnectionString neon,
			Environment environment) {
		String username = NeonEndpoints.blankToNull(environment.getProperty(SPRING_DATASOURCE_USERNAME));
		String password = NeonEndpoints.blankToNull(environment.getProperty(SPRING_DATASOURCE_PASSWORD));
		List<String> unused = new ArrayList<>();
		List<String> own = new ArrayList<>();
		if (username != null && neon.username() != null && !username.equals(neon.username())) {
			unused.add(SPRING_DATASOURCE_USERNAME);
			own.add("user");
		}
		if (password != null && neon.password() != null && !password.equals(neon.password())) {
			unused.add(SPRING_DATASOURCE_PASSWORD);
			own.add("password");
		}
		if (!unused.isEmpty()) {
			logger.warn(String.join(" and ", unused) + ((unused.size() > 1) ? " are" : " is")
					+ " not used by the Neon pools: " + neonSource.name + " carries its own " + String.join(" and ", own)
					+ ". Remove " + ((unused.size() > 1) ? "them" : "it") + ", or set neon.username / neon.password"
					+ " to override the URL's");
		}
		return neon.withCredentials((neon.username() == null) ? username : null,
				(neon.password() == null) ? password : null);
	}

	/** What a URL the starter cannot parse points at, without anything that could be a credential. */
	private static String describe(String url) {
		int end = url.indexOf(':', url.startsWith("jdbc:") ? 5 : 0);
		return (end > 0) ? "a " + url.substring(0, end) + " database" : "another database";
	}

	private static Source source(String propertyName, String propertyValue, String variable,
			Environment environment) {
		if (StringUtils.hasText(propertyValue)) {
			return new Source(propertyName, propertyValue);
		}
		String fromEnvironment = environment.getProperty(variable);
		return StringUtils.hasText(fromEnvironment) ? new Source(variable, fromEnvironment) : null;
	}

	private record Source(String name, String value) {

		NeonConnectionString parse() {
			return NeonEndpoints.parse(this.value, this.name);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
