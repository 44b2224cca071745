package dev.neonstarter.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README stays short and starts with the quick start; the public types are listed between the markers.
 */
class ReadmeTests {

	private static final Path README = Path.of("..", "README.md");

	@Test
	void readmeIsShortAndStartsWithTheQuickStart() throws IOException {
		assertThat(Files.size(README)).as("README.md size in bytes").isLessThanOrEqualTo(12 * 1024);
		List<String> sections = Files.readAllLines(README, StandardCharsets.UTF_8)
			.stream()
			.filter((line) -> line.startsWith("## "))
			.toList();
		assertThat(sections).first().asString().startsWith("## Quick start");
	}

	@Test
	void publicTypesAreListedBetweenTheMarkers() throws IOException {
		String readme = Files.readString(README, StandardCharsets.UTF_8);
		int start = readme.indexOf("<!-- public-types:start -->");
		int end = readme.indexOf("<!-- public-types:end -->");
		assertThat(start).isNotNegative();
		assertThat(end).isGreaterThan(start);
		List<String> bullets = readme.substring(start, end).lines().filter((line) -> line.startsWith("- ")).toList();
		assertThat(bullets).isNotEmpty().allMatch((line) -> line.matches("- `dev\\.neonstarter(\\.[a-z]+)+\\.[A-Z]\\w*`"));
	}

}
