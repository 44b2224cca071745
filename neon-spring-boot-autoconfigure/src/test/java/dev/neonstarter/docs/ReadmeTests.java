package dev.neonstarter.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README stays short and starts with the quick start; its list of public types is exactly the public types of
 * the published modules.
 */
class ReadmeTests {

	private static final Path README = Path.of("..", "README.md");

	/** The modules whose jars applications get. */
	private static final List<String> PUBLISHED_MODULES = List.of("neon-spring-boot-autoconfigure",
			"neon-spring-boot-test", "neon-api-client");

	private static final Pattern PUBLIC_TOP_LEVEL_TYPE = Pattern
		.compile("(?m)^public\\s+(?:(?:final|abstract|sealed|non-sealed)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)");

	private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");

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
	void publicTypesAreExactlyTheOnesTheReadmeLists() throws IOException {
		String readme = Files.readString(README, StandardCharsets.UTF_8);
		int start = readme.indexOf("<!-- public-types:start -->");
		int end = readme.indexOf("<!-- public-types:end -->");
		assertThat(start).isNotNegative();
		assertThat(end).isGreaterThan(start);
		List<String> bullets = readme.substring(start, end).lines().filter((line) -> line.startsWith("- ")).toList();
		assertThat(bullets).isNotEmpty().allMatch((line) -> line.matches("- `dev\\.neonstarter(\\.[a-z]+)+\\.[A-Z]\\w*`.*"));
		Set<String> listed = bullets.stream()
			.map((line) -> line.substring(3, line.indexOf('`', 3)))
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(listed).as("public types of the published modules (left: README, right: code)")
			.isEqualTo(publicTypes());
	}

	/** Top-level public types in the main sources of the published modules. */
	private static Set<String> publicTypes() throws IOException {
		Set<String> types = new TreeSet<>();
		for (String module : PUBLISHED_MODULES) {
			Path sources = Path.of("..", module, "src", "main", "java");
			if (!Files.isDirectory(sources)) {
				continue;
			}
			try (Stream<Path> files = Files.walk(sources)) {
				for (Path file : files.filter((path) -> path.toString().endsWith(".java")).toList()) {
					String source = Files.readString(file, StandardCharsets.UTF_8);
					Matcher type = PUBLIC_TOP_LEVEL_TYPE.matcher(source);
					Matcher pkg = PACKAGE.matcher(source);
					if (type.find() && pkg.find()) {
						types.add(pkg.group(1) + "." + type.group(1));
					}
				}
			}
		}
		return types;
	}

}
