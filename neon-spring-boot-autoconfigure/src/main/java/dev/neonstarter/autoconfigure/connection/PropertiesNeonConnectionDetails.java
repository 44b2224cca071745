package dev.neonstarter.autoconfigure.connection;

import java.util.Objects;

import dev.neonstarter.autoconfigure.NeonProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
public class PropertiesNeonConnectionDetails implements NeonConnectionDetails {

	static final String DATABASE_URL = "DATABASE_URL";

	static final String DIRECT_URL = "DIRECT_URL";

	static final String SPRING_DATASOURCE_URL = "spring.datasource.url";

	private static final Log logger = LogFactory.getLog(PropertiesNeonConnectionDetails.class);

	private final NeonConnectionString pooled;

	private final NeonConnectionString direct;

	public PropertiesNeonConnectionDetails(NeonProperties properties, Environment environment) {
		Source primary = source("neon.url", properties.getUrl(), DATABASE_URL, environment);
		String dataSourceUrl = dataSourceUrl(environment);
		NeonConnectionString main;
		if (primary != null) {
			main = primary.parse();
			if (dataSourceUrl != null) {
				checkSameDatabase(primary, main, dataSourceUrl);
			}
		}
		else if (dataSourceUrl != null && isNeonUrl(dataSourceUrl)) {
			main = new Source(SPRING_DATASOURCE_URL, dataSourceUrl).parse()
				.withCredentials(blankToNull(environment.getProperty("spring.datasource.username")),
						blankToNull(environment.getProperty("spring.datasource.password")));
			logger.info("Neon DataSources use spring.datasource.url (a Neon host " + main.host() + "), as neither"
					+ " neon.url nor DATABASE_URL is set");
		}
		else {
			throw new NeonUrlNotConfiguredException(properties.getEmbedded().isEnabled());
		}
		main = main.withCredentials(blankToNull(properties.getUsername()), blankToNull(properties.getPassword()));
		Source directSource = source("neon.direct-url", properties.getDirectUrl(), DIRECT_URL, environment);
		NeonConnectionString directString;
		if (directSource != null) {
			directString = directSource.parse();
			if (directString.isPooledEndpoint()) {
				throw new NeonPoolerEndpointException(directSource.name, directString);
			}
			if (directString.username() == null) {
				directString = directString.withCredentials(main.username(), main.password());
			}
			directString = directString.withCredentials(blankToNull(properties.getUsername()),
					blankToNull(properties.getPassword()));
		}
		else {
			directString = main.toDirect();
		}
		this.pooled = main.toPooled();
		this.direct = directString.withCredentials(blankToNull(properties.getDirect().getUsername()),
				blankToNull(properties.getDirect().getPassword()));
	}

	@Override
	public NeonConnectionString getPooled() {
		return this.pooled;
	}

	@Override
	public NeonConnectionString getDirect() {
		return this.direct;
	}

	/** Whether a connection string is configured through properties or the environment. */
	public static boolean isConfigured(Environment environment) {
		return StringUtils.hasText(environment.getProperty("neon.url"))
				|| StringUtils.hasText(environment.getProperty(DATABASE_URL));
	}

	/** {@code spring.datasource.url} (or {@code SPRING_DATASOURCE_URL}) when it has text, else {@code null}. */
	public static String dataSourceUrl(Environment environment) {
		return blankToNull(environment.getProperty(SPRING_DATASOURCE_URL));
	}

	/** Whether a URL is one the starter understands and names a Neon host. */
	public static boolean isNeonUrl(String url) {
		try {
			return NeonConnectionString.parse(url).isNeonHost();
		}
		catch (InvalidNeonConnectionStringException ex) {
			return false;
		}
	}

	/**
	 * A {@code spring.datasource.url} beside a Neon URL is fine when it names the same database (as platforms
	 * that export both do); anything else fails startup rather than choosing one silently.
	 */
	private static void checkSameDatabase(Source neonSource, NeonConnectionString neon, String dataSourceUrl) {
		NeonConnectionString other;
		try {
			other = NeonConnectionString.parse(dataSourceUrl);
		}
		catch (InvalidNeonConnectionStringException ex) {
			throw new NeonDataSourceUrlConflictException(neonSource.name, neon.host(), describe(dataSourceUrl));
		}
		boolean same = neon.toDirect().host().equalsIgnoreCase(other.toDirect().host()) && neon.port() == other.port()
				&& Objects.equals(neon.database(), other.database());
		if (!same) {
			throw new NeonDataSourceUrlConflictException(neonSource.name, neon.host(),
					other.host() + ":" + other.port() + "/" + other.database());
		}
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

	private static String blankToNull(String value) {
		return StringUtils.hasText(value) ? value : null;
	}

	private record Source(String name, String value) {

		NeonConnectionString parse() {
			try {
				return NeonConnectionString.parse(this.value);
			}
			catch (InvalidNeonConnectionStringException ex) {
				throw ex.withSource(this.name);
			}
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
