package dev.neonstarter.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.neonstarter.testsupport.NeonTestTopology;

/**
 * One database of the test topology as a Neon user sees it: the pooled endpoint (PgBouncer) and the direct
 * one (PostgreSQL), both verified against the topology's root certificate. Reaches JMH's forked JVMs as
 * a file named by a system property.
 */
record BenchmarkDatabase(String pooledUrl, String directUrl, String rootCertificate) {

	/** System property naming the file that carries a database to JMH's forked JVMs. */
	private static final String FILE_PROPERTY = "neon.benchmark.database";

	static BenchmarkDatabase of(NeonTestTopology topology, String database) {
		return new BenchmarkDatabase(topology.pooledUrl(database, "sslmode=require"),
				topology.directUrl(database, "sslmode=require"),
				topology.certificates().caCertificate().toAbsolutePath().toString());
	}

	static BenchmarkDatabase fromSystemProperties() {
		String file = System.getProperty(FILE_PROPERTY);
		if (file == null) {
			throw new IllegalStateException("System property " + FILE_PROPERTY + " is not set: run benchmarks/run.sh");
		}
		Properties properties = new Properties();
		try (Reader reader = Files.newBufferedReader(Path.of(file))) {
			properties.load(reader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new BenchmarkDatabase(properties.getProperty("pooled-url"), properties.getProperty("direct-url"),
				properties.getProperty("root-cert"));
	}

	/**
	 * The JVM argument that hands this database to a forked JVM, through a file readable by its owner only:
	 * JMH prints the forks' JVM arguments, and the URLs carry the password.
	 */
	String systemProperty(Path directory) {
		Properties properties = new Properties();
		properties.setProperty("pooled-url", this.pooledUrl);
		properties.setProperty("direct-url", this.directUrl);
		properties.setProperty("root-cert", this.rootCertificate);
		try {
			Path file = Files.createTempFile(directory, "database", ".properties",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			file.toFile().deleteOnExit();
			try (Writer writer = Files.newBufferedWriter(file)) {
				properties.store(writer, null);
			}
			return "-D" + FILE_PROPERTY + "=" + file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The starter's properties for this database, as the sample app's tests set them. */
	List<String> starterProperties() {
		List<String> properties = new ArrayList<>(List.of("neon.url=" + this.pooledUrl, "neon.direct-url=" + this.directUrl));
		properties.addAll(starterSettings());
		return properties;
	}

	/** The starter's properties other than the connection strings: nothing secret in them. */
	List<String> starterSettings() {
		return List.of("neon.ssl.mode=verify-full", "neon.ssl.root-cert=" + this.rootCertificate,
				// Debian's PgBouncer 1.18 has no protocol-level prepared statements; Neon's has.
				"neon.pooled.prepared-statements=disabled", "neon.embedded.enabled=false");
	}

	/**
	 * Hands the connection strings to a child JVM as a Neon user deploys them: the {@code DATABASE_URL} and
	 * {@code DIRECT_URL} environment variables. They carry the password, and a process's command line is
	 * readable by every user of the machine ({@code ps}), its environment only by its owner. Inherited
	 * {@code NEON_*} variables are dropped: {@code neon.url} from one would win over {@code DATABASE_URL} and
	 * point the benchmark at another database.
	 */
	void passConnectionStrings(ProcessBuilder builder) {
		Map<String, String> environment = builder.environment();
		environment.keySet().removeIf((name) -> name.startsWith("NEON_"));
		environment.put("DATABASE_URL", this.pooledUrl);
		environment.put("DIRECT_URL", this.directUrl);
	}

	/**
	 * Points {@code benchmarks/handwired-app}'s two pools at a database as its user configures them: JDBC URLs
	 * with {@code verify-full}, the pooled one on PgBouncer without server-side prepared statements (Debian's
	 * PgBouncer 1.18 has none), the passwords in the environment.
	 */
	static void handwired(NeonTestTopology topology, String database, List<String> command, ProcessBuilder builder) {
		String tls = "sslmode=verify-full&sslrootcert=" + topology.certificates().caCertificate().toAbsolutePath();
		command.add("--app.datasource.pooled.jdbc-url=jdbc:postgresql://localhost:" + topology.pgbouncer().port() + "/"
				+ database + "?" + tls + "&prepareThreshold=0");
		command.add("--app.datasource.pooled.username=" + NeonTestTopology.APP_USER);
		builder.environment().put("APP_DATASOURCE_POOLED_PASSWORD", NeonTestTopology.APP_PASSWORD);
		command.add("--app.datasource.direct.jdbc-url=jdbc:postgresql://localhost:" + topology.postgres().port() + "/"
				+ database + "?" + tls);
		command.add("--app.datasource.direct.username=" + NeonTestTopology.APP_USER);
		command.add("--app.datasource.direct.maximum-pool-size=2");
		builder.environment().put("APP_DATASOURCE_DIRECT_PASSWORD", NeonTestTopology.APP_PASSWORD);
	}

	@Override
	public String toString() {
		// The URLs carry the password.
		return "BenchmarkDatabase[root-cert=" + this.rootCertificate + "]";
	}

}
