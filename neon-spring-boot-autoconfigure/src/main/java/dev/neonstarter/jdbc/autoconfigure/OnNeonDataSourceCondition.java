package dev.neonstarter.jdbc.autoconfigure;

import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.WeakHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * Whether the Neon DataSources are created, or the starter backs off the way Spring Boot's own DataSource
 * auto-configuration does when the application has said what it wants. In this order:
 * <ol>
 * <li>{@code neon.embedded.replace=true} (a test that must never reach a real database): created, on the
 * embedded PostgreSQL;</li>
 * <li>Spring Boot's {@code DataSourceAutoConfiguration} excluded: backs off (the application wants no
 * auto-configured DataSource);</li>
 * <li>{@code @AutoConfigureTestDatabase} with any {@code replace} but {@code NONE}: backs off entirely, so Spring
 * Boot's DataSource is the one replaced and nothing, Flyway included, reaches the configured URL;</li>
 * <li>{@code spring.datasource.jndi-name}: backs off to Spring Boot's JNDI DataSource, with an INFO line;</li>
 * <li>a service connection ({@link NeonConnectionDetails} or Spring Boot's {@code JdbcConnectionDetails} bean),
 * {@code neon.url} or {@code DATABASE_URL}: created;</li>
 * <li>{@code spring.datasource.url} naming a Neon host: created, adopting it; naming any other database: backs
 * off to Spring Boot's DataSource, with an INFO line;</li>
 * <li>{@code neon.embedded.enabled=true}: created, on the embedded PostgreSQL;</li>
 * <li>an embedded database (H2, HSQLDB, Derby) on the classpath: backs off to Spring Boot's embedded default,
 * with an INFO line saying how to use Neon;</li>
 * <li>otherwise created, and startup fails saying what to configure.</li>
 * </ol>
 * Evaluated when the beans are registered, so that service connection beans are seen.
 */
class OnNeonDataSourceCondition extends SpringBootCondition implements ConfigurationCondition {

	static final String DATA_SOURCE_AUTO_CONFIGURATION = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	private static final String JDBC_CONNECTION_DETAILS = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails";

	private static final String OTHER_DATABASE = "spring.datasource.url names another database";

	/** Spring Boot's JNDI DataSource, which comes before its pooled one as it comes before the starter's. */
	private static final String JNDI_NAME = "spring.datasource.jndi-name";

	private static final String EMBEDDED_DATABASE = "an embedded database is on the classpath and no URL is configured";

	private static final Log logger = LogFactory.getLog(OnNeonDataSourceCondition.class);

	/** Environments whose back-off was logged: a condition is evaluated more than once per context. */
	private static final Set<Environment> logged = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	@Override
	public ConfigurationPhase getConfigurationPhase() {
		return ConfigurationPhase.REGISTER_BEAN;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		ConditionMessage.Builder message = ConditionMessage.forCondition("Neon DataSource");
		if (environment.getProperty("neon.embedded.replace", Boolean.class, false)) {
			return ConditionOutcome.match(message.because("neon.embedded.replace=true"));
		}
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (beanFactory != null && ConditionEvaluationReport.get(beanFactory)
			.getExclusions()
			.contains(DATA_SOURCE_AUTO_CONFIGURATION)) {
			return ConditionOutcome.noMatch(message.because("the application excludes DataSourceAutoConfiguration"));
		}
		String replace = testDatabaseReplace(environment);
		if (replace != null && !"NONE".equals(replace)) {
			return ConditionOutcome.noMatch(message.because("@AutoConfigureTestDatabase replaces the application's"
					+ " DataSource (replace=" + replace + "); use @AutoConfigureTestDatabase(replace = NONE) with"
					+ " neon.embedded.replace=true for both Neon pools on an embedded PostgreSQL"));
		}
		if (environment.containsProperty(JNDI_NAME)) {
			logOnce(environment, JNDI_NAME + " is set: the Neon starter backs off and Spring Boot's JNDI DataSource is"
					+ " used. Remove it (and set neon.url or DATABASE_URL) to use Neon");
			return ConditionOutcome.noMatch(message.because(JNDI_NAME + " is set"));
		}
		if (hasConnectionDetails(context)) {
			return ConditionOutcome.match(message.foundExactly("a connection details bean"));
		}
		if (PropertiesNeonConnectionDetails.isConfigured(environment)) {
			return ConditionOutcome.match(message.found("property").items("neon.url or DATABASE_URL"));
		}
		String dataSourceUrl = PropertiesNeonConnectionDetails.dataSourceUrl(environment);
		if (dataSourceUrl != null) {
			if (PropertiesNeonConnectionDetails.isNeonUrl(dataSourceUrl)) {
				return ConditionOutcome.match(message.because("spring.datasource.url names a Neon host"));
			}
			logOnce(environment, "spring.datasource.url is set and names no Neon host: the Neon starter backs off"
					+ " and Spring Boot's DataSource is used. Set neon.url or DATABASE_URL to use Neon");
			return ConditionOutcome.noMatch(message.because(OTHER_DATABASE));
		}
		if (environment.getProperty("neon.embedded.enabled", Boolean.class, false)) {
			return ConditionOutcome.match(message.because("neon.embedded.enabled=true"));
		}
		EmbeddedDatabaseConnection embedded = EmbeddedDatabaseConnection.get(context.getClassLoader());
		if (embedded != EmbeddedDatabaseConnection.NONE) {
			logOnce(environment, "No neon.url, DATABASE_URL or spring.datasource.url is set and "
					+ embedded.name().toLowerCase(Locale.ROOT).replace('_', ' ').trim()
					+ " is on the classpath: the Neon starter backs off and Spring Boot's embedded database is used."
					+ " Set DATABASE_URL (or neon.url) to the connection string from the Neon console to use Neon");
			return ConditionOutcome.noMatch(message.because(EMBEDDED_DATABASE));
		}
		return ConditionOutcome.match(message.because("nothing else is configured; startup reports what to set"));
	}

	/**
	 * Whether, in a context, the starter backed off to Spring Boot's DataSource for want of a Neon URL: an embedded
	 * database on the classpath with no URL, or a {@code spring.datasource.url} naming another database. A URL set
	 * later (an application processed ahead of time, then run with {@code DATABASE_URL}) would change that choice.
	 */
	static boolean backedOffForWantOfANeonUrl(ConfigurableListableBeanFactory beanFactory) {
		ConditionEvaluationReport.ConditionAndOutcomes outcomes = ConditionEvaluationReport.get(beanFactory)
			.getConditionAndOutcomesBySource()
			.get(NeonDataSourceAutoConfiguration.class.getName());
		if (outcomes == null) {
			return false;
		}
		for (ConditionEvaluationReport.ConditionAndOutcome outcome : outcomes) {
			String message = outcome.getOutcome().getMessage();
			if (outcome.getCondition() instanceof OnNeonDataSourceCondition && !outcome.getOutcome().isMatch()
					&& message != null && (message.contains(OTHER_DATABASE) || message.contains(EMBEDDED_DATABASE))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The {@code replace} of an {@code @AutoConfigureTestDatabase} on the test, or {@code null} without one. Its
	 * {@code connection} attribute is always mapped to a property; {@code replace} only when it is not the
	 * default {@code NON_TEST}.
	 */
	private static String testDatabaseReplace(Environment environment) {
		String replace = environment.getProperty("spring.test.database.replace");
		if (replace != null) {
			return replace.trim().toUpperCase(Locale.ROOT);
		}
		return environment.containsProperty("spring.test.database.connection") ? "NON_TEST" : null;
	}

	private static boolean hasConnectionDetails(ConditionContext context) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (beanFactory == null) {
			return false;
		}
		if (beanFactory.getBeanNamesForType(NeonConnectionDetails.class, true, false).length > 0) {
			return true;
		}
		ClassLoader classLoader = context.getClassLoader();
		if (ClassUtils.isPresent(JDBC_CONNECTION_DETAILS, classLoader)) {
			Class<?> type = ClassUtils.resolveClassName(JDBC_CONNECTION_DETAILS, classLoader);
			return beanFactory.getBeanNamesForType(type, true, false).length > 0;
		}
		return false;
	}

	private static void logOnce(Environment environment, String line) {
		if (logged.add(environment)) {
			logger.info(line);
		}
	}

}
