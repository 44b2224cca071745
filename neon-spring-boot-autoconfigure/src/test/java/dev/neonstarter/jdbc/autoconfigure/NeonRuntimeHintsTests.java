package dev.neonstarter.jdbc.autoconfigure;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.neonstarter.ssl.NeonTlsPolicy;
import io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties;
import io.github.resilience4j.common.retry.configuration.CommonRetryConfigurationProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime hints a native image gets for the starter: every {@code RuntimeHintsRegistrar} listed in
 * {@code META-INF/spring/aot.factories} on the classpath applied as Spring's AOT processing applies them, then
 * checked for what the starter and its defaults load by name or reflectively.
 */
class NeonRuntimeHintsTests {

	private static final RuntimeHints hints = new RuntimeHints();

	/** Spring Boot's own factories take constructor arguments that are not needed here: skip them. */
	private static final SpringFactoriesLoader.FailureHandler IGNORE_OTHERS = SpringFactoriesLoader.FailureHandler
		.handleMessage((message, failure) -> {
		});

	@BeforeAll
	static void registerAllHints() {
		ClassLoader classLoader = NeonRuntimeHintsTests.class.getClassLoader();
		SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories", classLoader)
			.load(RuntimeHintsRegistrar.class)
			.forEach((registrar) -> registrar.registerHints(hints, classLoader));
	}

	@Test
	void everyClassNamedInTheResilienceDefaultsCanBeInstantiated() throws Exception {
		List<Class<?>> named = classesNamedInResilienceDefaults();
		assertThat(named).extracting(Class::getSimpleName)
			.contains("NeonTransientPredicate", "NeonUnavailablePredicate");
		for (Class<?> type : named) {
			assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(type.getDeclaredConstructor()))
				.as(type.getName())
				.accepts(hints);
		}
	}

	@Test
	void resiliencePropertyClassesCanBeBound() throws Exception {
		for (Class<?> type : new Class<?>[] { CommonCircuitBreakerConfigurationProperties.class,
				CommonCircuitBreakerConfigurationProperties.InstanceProperties.class,
				CommonRetryConfigurationProperties.class, CommonRetryConfigurationProperties.InstanceProperties.class }) {
			assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(type.getDeclaredConstructor()))
				.as(type.getName())
				.accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(CommonCircuitBreakerConfigurationProperties.InstanceProperties.class,
					"setSlidingWindowSize"))
			.accepts(hints);
	}

	@Test
	void pgjdbcClassesNamedByTheStarterCanBeInstantiated() throws Exception {
		Class<?> sslFactory = ClassUtils.forName(NeonTlsPolicy.JDK_TRUST_STORE_FACTORY, null);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(sslFactory.getConstructor(Properties.class))).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(org.postgresql.Driver.class.getConstructor())).accepts(hints);
	}

	@Test
	void statementTimingProxiesAreRegistered() {
		for (Class<?> type : new Class<?>[] { Connection.class, Statement.class, PreparedStatement.class,
				CallableStatement.class }) {
			assertThat(RuntimeHintsPredicates.proxies().forInterfaces(type)).as(type.getName()).accepts(hints);
		}
	}

	@Test
	void neonApiBodiesCanBeMappedByJackson() {
		for (String body : new String[] { "CreateBranchRequest", "BranchSpec", "CreateBranchResponse", "Operation",
				"BranchesResponse", "ConnectionUriResponse", "ErrorResponse" }) {
			TypeReference type = TypeReference.of("dev.neonstarter.api.NeonApiMessages$" + body);
			assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(body).accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(TypeReference.of("dev.neonstarter.api.NeonApiClient$Branch"))).accepts(hints);
	}

	/** Spring's own registrar covers {@code META-INF/spring.factories}: failure analyzers, the post-processor. */
	@Test
	void springFactoriesEntriesAreCoveredBySpring() {
		List<Class<?>> types = new ArrayList<>();
		SpringFactoriesLoader factories = SpringFactoriesLoader.forDefaultResourceLocation();
		factories.load(FailureAnalyzer.class, null, IGNORE_OTHERS)
			.forEach((analyzer) -> types.add(analyzer.getClass()));
		factories.load(EnvironmentPostProcessor.class, null, IGNORE_OTHERS)
			.forEach((processor) -> types.add(processor.getClass()));
		List<Class<?>> ours = types.stream().filter((type) -> type.getName().startsWith("dev.neonstarter.")).toList();
		assertThat(ours).hasSizeGreaterThan(5);
		for (Class<?> type : ours) {
			assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(hints);
		}
	}

	/** The values of the post-processor's property source (replica breaker included) that name a class. */
	private static List<Class<?>> classesNamedInResilienceDefaults() {
		StandardEnvironment environment = new StandardEnvironment();
		// Not getSystemProperties(): that is the JVM's, and the URL would stay for every later test.
		environment.getPropertySources()
			.addFirst(new MapPropertySource("replica", Map.of("neon.read-replica.url", "postgresql://replica.example/db")));
		SpringFactoriesLoader.forDefaultResourceLocation()
			.load(EnvironmentPostProcessor.class, null, IGNORE_OTHERS)
			.stream()
			.filter((processor) -> processor.getClass().getName().startsWith("dev.neonstarter."))
			.forEach((processor) -> processor.postProcessEnvironment(environment, null));
		PropertySource<?> defaults = environment.getPropertySources().get("neonResilienceDefaults");
		assertThat(defaults).isNotNull();
		List<Class<?>> classes = new ArrayList<>();
		for (String name : ((EnumerablePropertySource<?>) defaults).getPropertyNames()) {
			String value = String.valueOf(defaults.getProperty(name));
			if (value.contains(".") && ClassUtils.isPresent(value, null)) {
				classes.add(ClassUtils.resolveClassName(value, null));
			}
		}
		return classes;
	}

}
