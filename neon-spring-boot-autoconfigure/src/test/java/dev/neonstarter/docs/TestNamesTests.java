package dev.neonstarter.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The tests' names keep their promises: a test that starts a server (PostgreSQL, PgBouncer, a fault proxy, the
 * sample application on its embedded PostgreSQL) is named {@code *IntegrationTests}, and every test class the
 * documentation names exists, so a renamed test cannot leave the docs pointing at nothing.
 */
class TestNamesTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	/** What a test uses when it starts a server. */
	private static final List<String> SERVER_MARKERS = List.of("NeonTestTopology.start", "PostgresServer.start",
			"EmbeddedPostgres.builder", "EmbeddedPostgres.start", "FaultProxy.start", "PgBouncerServer");

	private static final Pattern DOCUMENTED_TEST = Pattern.compile("`([A-Z][A-Za-z0-9]*Tests)[`#.]");

	@Test
	void testsThatStartAServerAreIntegrationTests() {
		List<String> misnamed = testSources().filter((path) -> !className(path).endsWith("IntegrationTests"))
			.filter((path) -> className(path).endsWith("Tests"))
			// This class names the markers without using them.
			.filter((path) -> !className(path).equals(TestNamesTests.class.getSimpleName()))
			.filter(TestNamesTests::startsAServer)
			.map((path) -> ROOT.relativize(path).toString())
			.toList();
		assertThat(misnamed).as("server-backed tests not named *IntegrationTests").isEmpty();
	}

	@Test
	void everyTestTheDocumentationNamesExists() {
		Set<String> tests = testSources().map(TestNamesTests::className).collect(Collectors.toSet());
		Set<String> missing = new TreeSet<>();
		for (Path document : MarkdownLinks.documents(ROOT)) {
			Matcher matcher = DOCUMENTED_TEST.matcher(read(document));
			while (matcher.find()) {
				if (!tests.contains(matcher.group(1))) {
					missing.add(ROOT.relativize(document) + ": " + matcher.group(1));
				}
			}
		}
		assertThat(missing).as("tests named in the documentation that do not exist").isEmpty();
	}

	@Test
	void theChecksSeeWhatTheyLookFor() {
		assertThat(testSources().map(TestNamesTests::className)).contains("NeonEndpointMonitorIntegrationTests",
				"NotesOutageIntegrationTests", "TestNamesTests");
		assertThat(DOCUMENTED_TEST.matcher("the sample's `NotesOutageTests`, and").find()).isTrue();
		assertThat(startsAServer(ROOT.resolve("neon-spring-boot-autoconfigure/src/test/java/dev/neonstarter/"
				+ "resilience/autoconfigure/NeonEndpointMonitorIntegrationTests.java"))).isTrue();
		assertThat(startsAServer(ROOT.resolve("sample-app/src/test/java/dev/neonstarter/sample/"
				+ "NotesApplicationIntegrationTests.java"))).isTrue();
	}

	/** Every test source of every module. */
	private static Stream<Path> testSources() {
		try (Stream<Path> files = Files.walk(ROOT)) {
			return files.filter((path) -> path.toString().endsWith(".java"))
				.filter((path) -> path.toString().replace('\\', '/').contains("/src/test/java/"))
				.filter((path) -> !path.toString().contains("/target/"))
				.toList()
				.stream();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static boolean startsAServer(Path source) {
		String text = read(source);
		// The sample application runs on an embedded PostgreSQL when no URL is given.
		boolean sampleApplication = source.toString().replace('\\', '/').contains("/sample-app/")
				&& text.contains("@SpringBootTest");
		return sampleApplication || SERVER_MARKERS.stream().anyMatch(text::contains);
	}

	private static String className(Path source) {
		String name = source.getFileName().toString();
		return name.substring(0, name.length() - ".java".length());
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
