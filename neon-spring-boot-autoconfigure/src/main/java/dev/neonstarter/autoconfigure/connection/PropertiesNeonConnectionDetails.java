package dev.neonstarter.autoconfigure.connection;

import dev.neonstarter.autoconfigure.NeonProperties;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * {@link NeonConnectionDetails} from {@code neon.*} properties, falling back to the {@code DATABASE_URL} and
 * {@code DIRECT_URL} environment variables. Resolved once, eagerly, so a bad string fails startup.
 */
public class PropertiesNeonConnectionDetails implements NeonConnectionDetails {

	static final String DATABASE_URL = "DATABASE_URL";

	static final String DIRECT_URL = "DIRECT_URL";

	private final NeonConnectionString pooled;

	private final NeonConnectionString direct;

	public PropertiesNeonConnectionDetails(NeonProperties properties, Environment environment) {
		Source primary = source("neon.url", properties.getUrl(), DATABASE_URL, environment);
		if (primary == null) {
			throw new NeonUrlNotConfiguredException(properties.getEmbedded().isEnabled());
		}
		NeonConnectionString main = primary.parse()
			.withCredentials(blankToNull(properties.getUsername()), blankToNull(properties.getPassword()));
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
