package dev.neonstarter.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Field;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.PropertySourcesPropertyResolver;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests under {@code sample-app/k8s} agree with the application they deploy: probe paths, port, profile
 * and environment variable names are checked against the sample app's {@code application*.yml} (with Spring
 * Boot's and the starter's documented defaults, read from their configuration metadata, where it sets nothing)
 * and against the names the starter reads.
 */
class KubernetesManifestsTests {

	private static final Path RESOURCES = ObservabilityFiles.projectRoot().resolve("sample-app/src/main/resources");

	private static Map<String, Object> deployment;

	private static Map<String, Object> service;

	private static Map<String, Object> secret;

	private static Map<String, Object> container;

	private static String profile;

	private static PropertySourcesPropertyResolver app;

	private static MutablePropertySources appSources;

	@BeforeAll
	static void read() throws IOException {
		List<Map<String, Object>> documents = new ArrayList<>();
		try (Stream<Path> files = Files.list(ObservabilityFiles.kubernetes())) {
			for (Path file : files.sorted().toList()) {
				try (Reader reader = Files.newBufferedReader(file)) {
					for (Object document : new Yaml().loadAll(reader)) {
						documents.add(map(document));
					}
				}
			}
		}
		deployment = only(documents, "Deployment");
		service = only(documents, "Service");
		secret = only(documents, "Secret");
		List<Map<String, Object>> containers = list(path(deployment, "spec", "template", "spec", "containers"));
		assertThat(containers).hasSize(1);
		container = containers.get(0);
		profile = env().get("SPRING_PROFILES_ACTIVE").get("value").toString();
		// The app's configuration as the pod runs it: the profile's file over application.yml.
		appSources = new MutablePropertySources();
		YamlPropertySourceLoader loader = new YamlPropertySourceLoader();
		for (String name : List.of("application-" + profile + ".yml", "application.yml")) {
			for (PropertySource<?> source : loader.load(name, new FileSystemResource(RESOURCES.resolve(name)))) {
				appSources.addLast(source);
			}
		}
		app = new PropertySourcesPropertyResolver(appSources);
		app.setIgnoreUnresolvableNestedPlaceholders(true);
	}

	@Test
	void theProfileIsOneTheAppDefines() {
		assertThat(RESOURCES.resolve("application-" + profile + ".yml")).exists();
		// Production never falls back to an embedded database.
		assertThat(app.getProperty("neon.embedded.enabled")).isEqualTo("false");
	}

	@Test
	void portIsTheAppsServerAndManagementPort() {
		int port = ((Number) containerPort("http")).intValue();
		assertThat(port).isEqualTo(Integer.parseInt(setting("server.port")));
		// Probes and scrapes go to the same port: no separate management port.
		assertThat(app.getProperty("management.server.port")).isNull();
		assertThat(path(deployment, "spec", "template", "metadata", "annotations"))
			.isEqualTo(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", String.valueOf(port),
					"prometheus.io/path", setting("management.endpoints.web.base-path") + "/prometheus"));
		assertThat(app.getProperty("management.endpoints.web.exposure.include")).contains("prometheus", "health");
	}

	@Test
	void probesUseTheHealthGroupsTheAppExposes() {
		String health = setting("management.endpoints.web.base-path") + "/health";
		assertThat(setting("management.endpoint.health.probes.enabled")).isEqualTo("true");
		assertThat(probePath("livenessProbe")).isEqualTo(health + "/liveness");
		assertThat(probePath("readinessProbe")).isEqualTo(health + "/readiness");
		assertThat(probePath("startupProbe")).isEqualTo(health + "/liveness");
		for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
			assertThat(path(container, probe, "httpGet", "port")).as(probe).isEqualTo("http");
		}
		// The readiness check may query Neon, bounded by neon.health.timeout: the probe must wait longer.
		Duration healthTimeout = DurationStyle.detectAndParse(setting("neon.health.timeout"));
		assertThat(Duration.ofSeconds(number(container, "readinessProbe", "timeoutSeconds")))
			.isGreaterThan(healthTimeout);
		// JVM start, Flyway over the direct endpoint and a compute resuming: minutes, not seconds.
		long startupBudget = number(container, "startupProbe", "periodSeconds")
				* number(container, "startupProbe", "failureThreshold");
		assertThat(startupBudget).isGreaterThanOrEqualTo(120);
	}

	@Test
	void connectionStringsComeFromTheSecretUnderTheNamesTheStarterReads() throws Exception {
		Map<String, Map<String, Object>> env = env();
		String replicaVariable = placeholder("neon.read-replica.url");
		List<String> names = List.of(starterConstant("DATABASE_URL"), starterConstant("DIRECT_URL"), replicaVariable);
		assertThat(names).containsExactly("DATABASE_URL", "DIRECT_URL", "READ_REPLICA_URL");
		Map<String, Object> secretData = map(secret.get("stringData"));
		for (String name : names) {
			assertThat(env).as(name).containsKey(name);
			Map<String, Object> ref = map(path(env.get(name), "valueFrom", "secretKeyRef"));
			assertThat(ref.get("name")).isEqualTo(path(secret, "metadata", "name"));
			if (!Boolean.TRUE.equals(ref.get("optional"))) {
				assertThat(secretData).containsKey((String) ref.get("key"));
			}
		}
		// The example holds placeholders, never a real credential.
		assertThat(secretData.values()).allSatisfy((value) -> assertThat(value.toString()).contains("<password>"));
	}

	@Test
	void gracePeriodCoversThePreStopSleepAndSpringsShutdownPhase() {
		assertThat(setting("server.shutdown")).isEqualTo("graceful");
		Duration phase = DurationStyle.detectAndParse(setting("spring.lifecycle.timeout-per-shutdown-phase"));
		long preStop = number(container, "lifecycle", "preStop", "sleep", "seconds");
		long grace = number(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds");
		assertThat(preStop).isPositive();
		assertThat(Duration.ofSeconds(grace)).isGreaterThan(phase.plusSeconds(preStop));
	}

	@Test
	void requestsResourcesAndServiceReachesThePods() {
		assertThat(map(path(container, "resources", "requests"))).containsKeys("cpu", "memory");
		assertThat(path(service, "spec", "selector"))
			.isEqualTo(path(deployment, "spec", "template", "metadata", "labels"));
		assertThat(path(deployment, "spec", "selector", "matchLabels"))
			.isEqualTo(path(deployment, "spec", "template", "metadata", "labels"));
		List<Map<String, Object>> ports = list(path(service, "spec", "ports"));
		assertThat(ports).singleElement().satisfies((port) -> assertThat(port.get("targetPort")).isEqualTo("http"));
	}

	/** The app's value, else the documented default of Spring Boot or the starter (configuration metadata). */
	private static String setting(String name) {
		String value = app.getProperty(name);
		return (value != null) ? value : metadataDefault(name);
	}

	private static String metadataDefault(String name) {
		try {
			for (URL url : Collections.list(KubernetesManifestsTests.class.getClassLoader()
				.getResources("META-INF/spring-configuration-metadata.json"))) {
				try (InputStream in = url.openStream()) {
					for (JsonNode property : JsonMapper.builder().build().readTree(in).path("properties")) {
						if (name.equals(property.path("name").asString()) && property.has("defaultValue")) {
							return property.get("defaultValue").asString();
						}
					}
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		throw new IllegalStateException("No default for " + name + " in any configuration metadata");
	}

	/** The environment variable in a {@code ${NAME:default}} placeholder of a property, as written. */
	private static String placeholder(String property) {
		Object raw = appSources.stream()
			.map((source) -> source.getProperty(property))
			.filter(Objects::nonNull)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(property + " is not set"));
		Matcher matcher = Pattern.compile("\\$\\{([A-Z_]+)[:}]").matcher(raw.toString());
		assertThat(matcher.find()).as(property + " reads an environment variable").isTrue();
		return matcher.group(1);
	}

	/** An environment variable name the starter reads, from its own constant. */
	private static String starterConstant(String field) throws ReflectiveOperationException {
		Field constant = Class.forName("dev.neonstarter.jdbc.autoconfigure.PropertiesNeonConnectionDetails")
			.getDeclaredField(field);
		constant.setAccessible(true);
		return (String) constant.get(null);
	}

	private static Map<String, Map<String, Object>> env() {
		Map<String, Map<String, Object>> env = new java.util.LinkedHashMap<>();
		for (Map<String, Object> variable : list(container.get("env"))) {
			env.put((String) variable.get("name"), variable);
		}
		return env;
	}

	private static Object containerPort(String name) {
		return list(container.get("ports")).stream()
			.filter((port) -> name.equals(port.get("name")))
			.findFirst()
			.orElseThrow()
			.get("containerPort");
	}

	private static String probePath(String probe) {
		return (String) path(container, probe, "httpGet", "path");
	}

	private static long number(Map<String, Object> root, String... keys) {
		return ((Number) Objects.requireNonNull(path(root, keys), String.join(".", keys))).longValue();
	}

	private static Object path(Map<String, Object> root, String... keys) {
		Object current = root;
		for (String key : keys) {
			current = (current != null) ? map(current).get(key) : null;
		}
		return current;
	}

	private static Map<String, Object> only(List<Map<String, Object>> documents, String kind) {
		List<Map<String, Object>> ofKind = documents.stream().filter((d) -> kind.equals(d.get("kind"))).toList();
		assertThat(ofKind).as(kind).hasSize(1);
		return ofKind.get(0);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Object value) {
		return (List<Map<String, Object>>) value;
	}

}
