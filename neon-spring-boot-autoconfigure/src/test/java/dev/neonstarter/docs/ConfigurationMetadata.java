package dev.neonstarter.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration metadata on the test classpath: every {@code META-INF/spring-configuration-metadata.json}
 * (the build's own merges {@code additional-spring-configuration-metadata.json}).
 */
public final class ConfigurationMetadata {

	private ConfigurationMetadata() {
	}

	/**
	 * One section of every metadata file on the classpath, merged by name.
	 * @param section {@code groups}, {@code properties} or {@code hints}
	 * @return the items of that section by name
	 */
	public static Map<String, JsonNode> load(String section) {
		Map<String, JsonNode> result = new LinkedHashMap<>();
		try {
			for (URL url : Collections.list(ConfigurationMetadata.class.getClassLoader()
				.getResources("META-INF/spring-configuration-metadata.json"))) {
				try (InputStream in = url.openStream()) {
					JsonMapper.shared()
						.readTree(in)
						.path(section)
						.forEach((item) -> result.put(item.path("name").asString(), item));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return result;
	}

}
