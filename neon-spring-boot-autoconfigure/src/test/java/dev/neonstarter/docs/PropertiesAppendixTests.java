package dev.neonstarter.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/appendix-properties.md} is what {@link PropertiesAppendix} makes of the current configuration
 * metadata: a new, changed or removed property fails the build until the appendix is rewritten.
 */
class PropertiesAppendixTests {

	static final Path APPENDIX = Path.of("..", "docs", "appendix-properties.md");

	@Test
	void committedAppendixIsUpToDate() throws IOException {
		String generated = PropertiesAppendix.render();
		if (Boolean.getBoolean("neon.docs.write")) {
			Files.writeString(APPENDIX, generated, StandardCharsets.UTF_8);
		}
		String committed = Files.exists(APPENDIX) ? Files.readString(APPENDIX, StandardCharsets.UTF_8) : "";
		assertThat(committed)
			.as("docs/appendix-properties.md is out of date with the configuration metadata; rewrite it with: "
					+ PropertiesAppendix.REWRITE_COMMAND)
			.isEqualTo(generated);
	}

	@Test
	void appendixListsTheStartersPropertiesAndPoolDefaults() {
		String generated = PropertiesAppendix.render();
		assertThat(generated).contains("| `neon.url` |", "| `neon.monitor.stall-timeout` | `5s` |",
				"| `management.health.neon.enabled` | `true` |", "| `neon.pooled.hikari.*` |",
				"| `maximum-pool-size` | `10` | `2` |", "| `keepalive-time` | 0 (off) | 0 (off) |");
		assertThat(generated).doesNotContain("| `spring.");
	}

}
