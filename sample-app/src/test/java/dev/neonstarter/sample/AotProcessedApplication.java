package dev.neonstarter.sample;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.springframework.boot.SpringApplicationAotProcessor;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app processed ahead of time the way Spring Boot's build plugins do it, in a JVM of its own on the
 * app's runtime classpath ({@code target/runtime-classpath.txt}, written by the build): Spring Boot's
 * {@link SpringApplicationAotProcessor} with the given application arguments, its generated sources compiled.
 * Then started like {@code java -Dspring.aot.enabled=true -jar app.jar}, also in a JVM of its own.
 */
final class AotProcessedApplication {

	private static final Path TARGET = Path.of("target");

	/** Variables a developer's shell may have set that would change what the started app does. */
	private static final List<String> CLEARED_VARIABLES = List.of("DATABASE_URL", "DIRECT_URL", "READ_REPLICA_URL",
			"SPRING_PROFILES_ACTIVE", "NEON_API_KEY", "NEON_PROJECT_ID", "JAVA_TOOL_OPTIONS");

	private final Path directory;

	private final String classpath;

	private AotProcessedApplication(Path directory, String classpath) {
		this.directory = directory;
		this.classpath = classpath;
	}

	/**
	 * Processes the app as {@code spring-boot:process-aot} would with the given arguments (for example
	 * {@code --spring.profiles.active=prod}, what the goal's {@code <profiles>} passes), into
	 * {@code target/aot-tests/<name>}, with the given environment variables.
	 */
	static AotProcessedApplication process(String name, Map<String, String> environment,
			String... applicationArguments) throws Exception {
		Path directory = TARGET.resolve("aot-tests").resolve(name).toAbsolutePath();
		FileSystemUtils.deleteRecursively(directory);
		Path sources = Files.createDirectories(directory.resolve("sources"));
		Path resources = Files.createDirectories(directory.resolve("resources"));
		Path classes = Files.createDirectories(directory.resolve("classes"));
		String runtime = TARGET.resolve("classes").toAbsolutePath() + File.pathSeparator
				+ Files.readString(TARGET.resolve("runtime-classpath.txt")).trim();
		List<String> command = new ArrayList<>(List.of(SpringApplicationAotProcessor.class.getName(),
				NotesApplication.class.getName(), sources.toString(), resources.toString(), classes.toString(),
				"dev.neonstarter", "neon-sample-app"));
		command.addAll(List.of(applicationArguments));
		Process processor = java(runtime, List.of(), command, environment, directory.resolve("process-aot.log"));
		assertThat(processor.waitFor(3, TimeUnit.MINUTES)).as("AOT processing finished").isTrue();
		assertThat(processor.exitValue()).as("AOT processing exit code; see " + directory.resolve("process-aot.log"))
			.isZero();
		compile(sources, classes, runtime);
		return new AotProcessedApplication(directory,
				classes + File.pathSeparator + resources + File.pathSeparator + runtime);
	}

	/** The native image metadata processing wrote ({@code reachability-metadata.json}), as text. */
	String nativeImageMetadata() throws IOException {
		return Files.readString(this.directory.resolve(
				"resources/META-INF/native-image/dev.neonstarter/neon-sample-app/reachability-metadata.json"));
	}

	/**
	 * Starts the processed app with {@code -Dspring.aot.enabled=true}, the given environment variables and
	 * arguments; its output goes to {@code <name>.log}.
	 */
	Started start(String name, Map<String, String> environment, String... arguments) throws IOException {
		Path log = this.directory.resolve(name + ".log");
		Process process = java(this.classpath, List.of("-Dspring.aot.enabled=true"),
				Stream.concat(Stream.of(NotesApplication.class.getName()), Stream.of(arguments)).toList(), environment,
				log);
		return new Started(process, log);
	}

	private static Process java(String classpath, List<String> jvmOptions, List<String> arguments,
			Map<String, String> environment, Path log) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		// A short-lived JVM on a shared machine: C1 only and a small heap.
		command.addAll(List.of("-XX:TieredStopAtLevel=1", "-Xmx384m", "-cp", classpath));
		command.addAll(jvmOptions);
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile());
		CLEARED_VARIABLES.forEach(builder.environment()::remove);
		builder.environment().putAll(environment);
		return builder.start();
	}

	private static void compile(Path sources, Path classes, String classpath) throws IOException {
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		List<File> files;
		try (Stream<Path> paths = Files.walk(sources)) {
			files = paths.filter((path) -> path.toString().endsWith(".java")).map(Path::toFile).toList();
		}
		assertThat(files).as("generated sources").isNotEmpty();
		try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
			boolean compiled = compiler
				.getTask(null, fileManager, null,
						List.of("-d", classes.toString(), "-cp", classpath, "--release", "17", "-proc:none",
								"-nowarn", "-Xlint:none"),
						null, fileManager.getJavaFileObjectsFromFiles(files))
				.call();
			assertThat(compiled).as("generated sources compile").isTrue();
		}
	}

	/** A started app: its process and its output. */
	record Started(Process process, Path log) implements AutoCloseable {

		/** Waits for the process to exit by itself and returns its exit code. */
		int awaitExit(Duration timeout) throws InterruptedException {
			assertThat(this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
				.as("the app exited within " + timeout + "; output:%n%s", output())
				.isTrue();
			return this.process.exitValue();
		}

		String output() {
			try {
				return Files.readString(this.log);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor();
			}
		}

	}

}
