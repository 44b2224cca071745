package dev.neonstarter.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link and anchor in the README, CONTRIBUTING.md, {@code docs/} and {@code benchmarks/} resolves,
 * so a renamed heading or a moved file cannot leave a dead link behind.
 */
class MarkdownLinksTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	@Test
	void everyRelativeLinkAndAnchorResolves() {
		List<Path> documents = MarkdownLinks.documents(ROOT);
		assertThat(documents).extracting((path) -> ROOT.relativize(path).toString().replace('\\', '/'))
			.contains("README.md", "CONTRIBUTING.md", "docs/troubleshooting.md", "docs/appendix-properties.md",
					"benchmarks/README.md");
		assertThat(new MarkdownLinks().deadLinks(ROOT, documents)).as("dead links").isEmpty();
	}

	@Test
	void deadLinksAndAnchorsAreReported(@TempDir Path root) throws IOException {
		Files.createDirectories(root.resolve("docs"));
		Files.writeString(root.resolve("docs/page.md"), """
				# A page

				## Pool size and Neon's connection limits

				## Pool size and Neon's connection limits
				""");
		Files.writeString(root.resolve("README.md"), """
				# Title

				[good](docs/page.md), [good anchor](docs/page.md#pool-size-and-neons-connection-limits),
				[repeated heading](docs/page.md#pool-size-and-neons-connection-limits-1), [self](#title),
				[web](https://neon.com/docs), [a directory](docs).

				[missing file](docs/nope.md) and [missing
				anchor](docs/page.md#pool-size) and [missing self anchor](#nothing).

				`[in code](docs/nope.md)`

				```
				[in a block](docs/nope.md)
				```

				[reference]: docs/gone.md
				""");
		List<String> problems = new MarkdownLinks().deadLinks(root, MarkdownLinks.documents(root));
		assertThat(problems).containsExactly("README.md:7: docs/nope.md (no such file or directory)",
				"README.md:7: docs/page.md#pool-size (no heading with the anchor #pool-size)",
				"README.md:8: #nothing (no heading with the anchor #nothing)",
				"README.md:16: docs/gone.md (no such file or directory)");
	}

	@Test
	void anchorsFollowGitHubRules() {
		assertThat(MarkdownLinks.slug("Outages: the endpoint monitor")).isEqualTo("outages-the-endpoint-monitor");
		assertThat(MarkdownLinks.slug("Pool size and Neon's connection limits"))
			.isEqualTo("pool-size-and-neons-connection-limits");
		assertThat(MarkdownLinks.slug("The pooler (PgBouncer in transaction mode)"))
			.isEqualTo("the-pooler-pgbouncer-in-transaction-mode");
		assertThat(MarkdownLinks.slug("`neon.*` settings fixed when the application is processed"))
			.isEqualTo("neon-settings-fixed-when-the-application-is-processed");
		assertThat(MarkdownLinks.slug("Testcontainers `@ServiceConnection`")).isEqualTo("testcontainers-serviceconnection");
	}

}
