package dev.neonstarter.jdbc.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.docs.ConfigurationMetadata;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata (generated from Javadoc by spring-boot-configuration-processor, plus
 * {@code META-INF/additional-spring-configuration-metadata.json}) against the code and the properties appendix
 * ({@code docs/appendix-properties.md}). Generic on purpose: new properties are checked without touching this test.
 */
class NeonConfigurationMetadataTests {

	private static final String POOL_DEFAULTS = "## Pool defaults";

	private static final Map<String, JsonNode> groups = ConfigurationMetadata.load("groups");

	/**
	 * The groups bound to a pool ({@code @ConfigurationProperties} on a {@code @Bean} method returning a
	 * HikariDataSource), with a trailing dot. Their settings are HikariCP's own (documented by HikariCP); the
	 * processor sees only setters of a compiled class, so they have no Javadoc. Those the starter changes or
	 * derives are documented in the additional metadata and checked below; the rest pass through unchanged.
	 */
	private static final List<String> HIKARI_GROUPS = groups.values()
		.stream()
		.filter((group) -> group.path("name").asString().startsWith("neon."))
		.filter((group) -> {
			Class<?> type = loadType(group.path("type").asString(""));
			return type != null && HikariDataSource.class.isAssignableFrom(type);
		})
		.map((group) -> group.path("name").asString() + ".")
		.toList();

	/** HikariCP settings the starter fills from the connection string rather than giving a fixed default. */
	private static final Set<String> CONNECTION_DERIVED = Set.of("jdbc-url", "username", "password",
			"driver-class-name", "data-source-properties");

	private static final Map<String, JsonNode> properties = ConfigurationMetadata.load("properties");

	private static final Map<String, JsonNode> hints = ConfigurationMetadata.load("hints");

	@Test
	void everyNeonPropertyHasADescription() {
		List<String> checked = neonProperties(not(NeonConfigurationMetadataTests::isHikariPassthrough));
		assertThat(checked).contains("neon.url", "neon.ssl.mode", "neon.resilience.fail-fast");
		assertThat(checked).filteredOn((name) -> description(name).isBlank())
			.as("neon.* properties without a description (add Javadoc to the field, or an entry in"
					+ " additional-spring-configuration-metadata.json)")
			.isEmpty();
	}

	@Test
	void hikariSettingsTheStarterSetsAreDocumentedWithTheirDefaults() {
		HikariDataSource hikariDefaults = new HikariDataSource();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class))
			.withPropertyValues("neon.url=postgresql://u:p@ep-x-1.us-east-2.aws.neon.tech/db",
					"neon.ssl.verify-on-startup=false")
			.run((context) -> {
				List<String> problems = new ArrayList<>();
				assertThat(HIKARI_GROUPS).contains("neon.pooled.hikari.", "neon.direct.hikari.");
				for (String group : HIKARI_GROUPS) {
					// The group comes from a @Bean method named like the bean.
					String sourceMethod = groups.get(group.substring(0, group.length() - 1))
						.path("sourceMethod")
						.asString();
					String bean = sourceMethod.substring(0, sourceMethod.indexOf('('));
					if (!context.containsBean(bean)) {
						continue; // a pool that needs more configuration than a URL
					}
					BeanWrapper pool = PropertyAccessorFactory.forBeanPropertyAccess(context.getBean(bean));
					BeanWrapper defaults = PropertyAccessorFactory.forBeanPropertyAccess(hikariDefaults);
					for (String name : neonProperties((candidate) -> candidate.startsWith(group))) {
						String key = name.substring(group.length());
						String property = camelCase(key);
						if (!pool.isReadableProperty(property) || !defaults.isReadableProperty(property)) {
							continue;
						}
						Object actual = pool.getPropertyValue(property);
						Object hikari = defaults.getPropertyValue(property);
						JsonNode metadataDefault = properties.get(name).get("defaultValue");
						boolean changed = !String.valueOf(actual).equals(String.valueOf(hikari));
						if (CONNECTION_DERIVED.contains(key)) {
							if (description(name).isBlank()) {
								problems.add(name + ": set from the connection string but not described");
							}
						}
						else {
							if (metadataDefault != null && !metadataDefault.asString().equals(String.valueOf(actual))) {
								problems.add(name + ": the metadata says the default is " + metadataDefault
										+ " but the pool has " + actual);
							}
							if (changed && (metadataDefault == null || description(name).isBlank())) {
								problems.add(name + ": the starter sets " + actual + " (HikariCP: " + hikari
										+ ") but the metadata has no default or no description");
							}
						}
					}
				}
				assertThat(problems).isEmpty();
			});
		hikariDefaults.close();
	}

	@Test
	void enumeratedPropertiesHintEveryValue() throws ClassNotFoundException {
		List<String> enumProperties = new ArrayList<>();
		for (String name : neonProperties((candidate) -> true)) {
			Class<?> type = loadType(properties.get(name).path("type").asString(""));
			if (type == null || !type.isEnum()) {
				continue;
			}
			enumProperties.add(name);
			Set<String> expected = Arrays.stream(type.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.collect(Collectors.toCollection(TreeSet::new));
			assertThat(hints).as("value hints of " + name).containsKey(name);
			Set<String> hinted = new TreeSet<>();
			hints.get(name).path("values").forEach((value) -> {
				hinted.add(value.path("value").asString());
				assertThat(value.path("description").asString("")).as("description of " + name + "=" + value)
					.isNotBlank();
			});
			assertThat(hinted).as("value hints of " + name).isEqualTo(expected);
		}
		assertThat(enumProperties).contains("neon.ssl.mode", "neon.health.probe-mode");
	}

	@Test
	void appendixPropertyTableListsEveryPropertyWithItsDefault() {
		Map<String, String> readme = readmeTable("## Properties", 0, 1);
		List<String> problems = new ArrayList<>();
		for (String name : neonProperties(not(NeonConfigurationMetadataTests::isHikariPassthrough))) {
			if (isHikariGroupMember(name)) {
				continue; // documented in the pool defaults table, checked below
			}
			if (!readme.containsKey(name)) {
				problems.add(name + " is missing from the appendix's property table");
				continue;
			}
			JsonNode metadataDefault = properties.get(name).get("defaultValue");
			String shown = firstCodeSpan(readme.get(name));
			if (metadataDefault != null && !metadataDefault.asString().equals(shown)) {
				problems.add(name + ": appendix default '" + readme.get(name) + "', metadata " + metadataDefault);
			}
		}
		for (String name : readme.keySet()) {
			boolean exists = name.endsWith(".*")
					? properties.keySet().stream().anyMatch((p) -> p.startsWith(name.substring(0, name.length() - 1)))
					: properties.containsKey(name);
			if (!exists) {
				problems.add("The appendix lists " + name + ", which is not a configuration property");
			}
		}
		assertThat(problems).isEmpty();
	}

	@Test
	void appendixPoolDefaultsMatchTheMetadata() {
		List<String> problems = new ArrayList<>();
		for (String group : HIKARI_GROUPS) {
			// neon.pooled.hikari. is the column "pooled".
			String pool = group.substring("neon.".length(), group.length() - ".hikari.".length());
			Map<String, String> readme = readmeTable(POOL_DEFAULTS, 0, column(POOL_DEFAULTS, pool));
			for (String name : neonProperties((candidate) -> candidate.startsWith(group))) {
				JsonNode metadataDefault = properties.get(name).get("defaultValue");
				String key = name.substring(group.length());
				if (metadataDefault != null && !readme.containsKey(key)) {
					problems.add(name + " has a default but is missing from the appendix's pool defaults table");
				}
			}
			readme.forEach((key, value) -> {
				JsonNode metadataDefault = properties.get(group + key) != null
						? properties.get(group + key).get("defaultValue") : null;
				if (metadataDefault == null || !metadataDefault.asString().equals(normalize(value))) {
					problems.add(group + key + ": appendix '" + value + "', metadata " + metadataDefault);
				}
			});
		}
		assertThat(problems).isEmpty();
	}

	private static List<String> neonProperties(Predicate<String> filter) {
		return properties.keySet()
			.stream()
			.filter((name) -> name.startsWith("neon."))
			.filter(filter)
			.sorted()
			.toList();
	}

	/** A HikariCP setting the starter neither documents nor changes. */
	private static boolean isHikariPassthrough(String name) {
		return isHikariGroupMember(name) && properties.get(name).get("defaultValue") == null
				&& description(name).isBlank();
	}

	private static boolean isHikariGroupMember(String name) {
		return HIKARI_GROUPS.stream().anyMatch(name::startsWith);
	}

	private static String description(String name) {
		return properties.get(name).path("description").asString("");
	}

	private static <T> Predicate<T> not(Predicate<T> predicate) {
		return predicate.negate();
	}

	private static String camelCase(String kebab) {
		StringBuilder result = new StringBuilder();
		boolean upper = false;
		for (char c : kebab.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				result.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return result.toString();
	}

	private static Class<?> loadType(String name) {
		try {
			return Class.forName(name);
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return null;
		}
	}

	/** The first table after a heading: first column (a name in backticks) to the given column's text. */
	private static Map<String, String> readmeTable(String heading, int keyColumn, int valueColumn) {
		List<List<String>> rows = tableRows(heading);
		Map<String, String> result = new LinkedHashMap<>();
		for (List<String> row : rows.subList(2, rows.size())) {
			String key = firstCodeSpan(row.get(keyColumn));
			result.put((key != null) ? key : row.get(keyColumn), row.get(valueColumn));
		}
		return result;
	}

	private static int column(String heading, String name) {
		int index = tableRows(heading).get(0).indexOf(name);
		assertThat(index).as("column '" + name + "' of the table under " + heading).isPositive();
		return index;
	}

	private static List<List<String>> tableRows(String heading) {
		List<String> lines;
		try {
			lines = Files.readAllLines(Path.of("..", "docs", "appendix-properties.md"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		int start = lines.indexOf(heading);
		assertThat(start).as("appendix heading " + heading).isNotNegative();
		List<List<String>> rows = new ArrayList<>();
		for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
			String line = lines.get(i).strip();
			if (line.startsWith("|")) {
				rows.add(Arrays.stream(line.substring(1, line.length() - 1).split("\\|"))
					.map(String::strip)
					.toList());
			}
			else if (!rows.isEmpty()) {
				break;
			}
		}
		assertThat(rows).as("table under " + heading).hasSizeGreaterThan(2);
		return rows;
	}

	private static final Pattern CODE_SPAN = Pattern.compile("`([^`]*)`");

	private static String firstCodeSpan(String cell) {
		Matcher matcher = CODE_SPAN.matcher(cell);
		return matcher.find() ? matcher.group(1) : null;
	}

	/** "`neon-pooled`" to neon-pooled, "60 s" to 60000 (HikariCP durations are milliseconds), "0 (off)" to 0. */
	private static String normalize(String readmeValue) {
		String value = readmeValue.replace("`", "").replaceAll("\\(.*\\)", "").strip();
		Matcher seconds = Pattern.compile("(\\d+) s").matcher(value);
		return seconds.matches() ? String.valueOf(Long.parseLong(seconds.group(1)) * 1000) : value;
	}

}
