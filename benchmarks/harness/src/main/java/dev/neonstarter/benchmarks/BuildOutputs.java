package dev.neonstarter.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What {@code benchmarks/run.sh} builds before the harness starts: the startup app's classes, the runtime
 * classpaths Maven resolved (files {@code target/classpath.txt}), and the sample app's executable jar.
 */
record BuildOutputs(Path root) {

	/** The startup app with Spring Boot's JDBC and Flyway auto-configuration and nothing else. */
	String bootOnlyClasspath() {
		List<String> entries = new ArrayList<>();
		entries.add(existing(this.root.resolve("benchmarks/startup-app/target/classes")).toString());
		entries.addAll(classpathFile("benchmarks/startup-app"));
		return String.join(File.pathSeparator, entries);
	}

	/** The same application with neon-spring-boot-starter's runtime classpath added. */
	String withStarterClasspath() {
		return withClasspathOf("neon-spring-boot-starter");
	}

	/** The same application with Actuator and the Prometheus registry added, and no starter. */
	String withActuatorClasspath() {
		return withClasspathOf("benchmarks/classpath-boot-actuator");
	}

	/** The same application with the starter, Actuator and the Prometheus registry excluded from it. */
	String withStarterWithoutActuatorClasspath() {
		return withClasspathOf("benchmarks/classpath-starter-lean");
	}

	/**
	 * The same application with the hand-assembled equivalent of the starter: {@code benchmarks/handwired-app}'s
	 * configuration class (under the startup app's package, so it is scanned) and its runtime classpath.
	 */
	String handwiredClasspath() {
		Set<String> entries = new LinkedHashSet<>(List.of(bootOnlyClasspath().split(File.pathSeparator)));
		entries.add(existing(this.root.resolve("benchmarks/handwired-app/target/classes")).toString());
		entries.addAll(classpathFile("benchmarks/handwired-app"));
		return String.join(File.pathSeparator, entries);
	}

	private String withClasspathOf(String module) {
		Set<String> entries = new LinkedHashSet<>(List.of(bootOnlyClasspath().split(File.pathSeparator)));
		entries.addAll(classpathFile(module));
		return String.join(File.pathSeparator, entries);
	}

	Path sampleAppJar() {
		return executableJar("sample-app", "neon-sample-app-");
	}

	/** The sample app's notes API on the hand-assembled equivalent of the starter. */
	Path handwiredSampleJar() {
		return executableJar("benchmarks/handwired-sample", "neon-benchmarks-handwired-sample-");
	}

	/**
	 * The jars of datasource-micrometer's Spring Boot auto-configuration
	 * ({@code benchmarks/classpath-jdbc-observation}) that the hand-assembled sample app's jar does not hold
	 * already: what that app needs on {@code loader.path} to observe each statement as the starter does.
	 */
	List<Path> jdbcObservationJars() {
		Set<String> packaged = new HashSet<>();
		try (JarFile jar = new JarFile(handwiredSampleJar().toFile())) {
			jar.stream()
				.map(JarEntry::getName)
				.filter((name) -> name.startsWith("BOOT-INF/lib/"))
				.forEach((name) -> packaged.add(name.substring("BOOT-INF/lib/".length())));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return classpathFile("benchmarks/classpath-jdbc-observation").stream()
			.map(Path::of)
			.filter((jar) -> !packaged.contains(jar.getFileName().toString()))
			.toList();
	}

	private Path executableJar(String module, String prefix) {
		try (Stream<Path> files = Files.list(existing(this.root.resolve(module).resolve("target")))) {
			return files.filter((file) -> file.getFileName().toString().startsWith(prefix)
					&& file.getFileName().toString().endsWith(".jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("No " + module + " jar: run benchmarks/run.sh"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private List<String> classpathFile(String module) {
		try {
			String classpath = Files.readString(existing(this.root.resolve(module).resolve("target/classpath.txt"))).trim();
			return classpath.isEmpty() ? List.of() : List.of(classpath.split(File.pathSeparator));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path existing(Path path) {
		if (!Files.exists(path)) {
			throw new IllegalStateException(path + " does not exist: run benchmarks/run.sh, which builds it");
		}
		return path;
	}

}
