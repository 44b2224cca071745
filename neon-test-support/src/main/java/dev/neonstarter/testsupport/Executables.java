package dev.neonstarter.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The external programs the tests start (pgbouncer, prometheus, ...): finding and stopping them. */
public final class Executables {

	private Executables() {
	}

	/** The named program: in the given directories first (where Debian installs it), then on the PATH. */
	public static Optional<Path> find(String name, Path... directories) {
		Stream<Path> fromPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
			.filter((entry) -> !entry.isEmpty())
			.map(Paths::get);
		return Stream.concat(Stream.of(directories), fromPath)
			.map((directory) -> directory.resolve(name))
			.filter(Files::isExecutable)
			.findFirst();
	}

	/** Asks the process to stop (SIGTERM) and kills it if it has not within 10 s. */
	public static void stop(Process process) {
		process.destroy();
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
