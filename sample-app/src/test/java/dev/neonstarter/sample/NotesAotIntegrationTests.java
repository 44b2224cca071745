package dev.neonstarter.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app processed ahead of time (Spring AOT, as {@code -Pnative} or {@code spring-boot:process-aot}
 * does) and run with {@code -Dspring.aot.enabled=true} in JVMs of their own, against the PgBouncer + TLS topology.
 * <p>
 * Processed as the build does by default (its default profile, {@code dev}: the embedded PostgreSQL), then run in
 * production with {@code DATABASE_URL}: before the starter checked, that app silently started the embedded
 * PostgreSQL and served every request from it. Now it refuses to start, and the reverse and a read replica
 * that differs from processing time are refused as well. Processed with the production profile, it runs on the
 * topology: notes API, health, Prometheus, Flyway on the direct endpoint.
 */
@RequiresPgBouncer
class NotesAotIntegrationTests {

	private static final Duration STARTUP = Duration.ofMinutes(2);

	private static NeonTestTopology topology;

	/** Processed as a build with no AOT settings processes it: the default profile, dev (embedded database). */
	private static AotProcessedApplication processedForDev;

	/** Processed for production: {@code <profiles><profile>prod</profile></profiles>} in the process-aot goal. */
	private static AotProcessedApplication processedForProd;

	/** Processed with the default profile and {@code DATABASE_URL} set, as on a build machine that has it. */
	private static AotProcessedApplication processedForDevWithUrl;

	@BeforeAll
	static void processAheadOfTime() throws Exception {
		topology = NeonTestTopology.shared();
		processedForDev = AotProcessedApplication.process("dev", Map.of());
		processedForProd = AotProcessedApplication.process("prod", Map.of(), "--spring.profiles.active=prod");
		processedForDevWithUrl = AotProcessedApplication.process("dev-with-url",
				Map.of("DATABASE_URL", "postgresql://build:secret@build.example/db"));
	}

	@Test
	void processedForDevThenRunInProductionWithDatabaseUrlRefusesToStart() throws Exception {
		String database = topology.createDatabase();
		try (AotProcessedApplication.Started app = processedForDev.start("dev-run-as-prod", neonUrls(database),
				arguments("--spring.profiles.active=prod"))) {
			assertThat(app.awaitExit(STARTUP)).isNotZero();
			String output = app.output();
			assertThat(output).doesNotContain("started an embedded PostgreSQL")
				.contains("processed ahead of time")
				.contains("embedded PostgreSQL")
				.contains("DATABASE_URL")
				.contains("spring-boot.aot.jvmArguments")
				.doesNotContain(NeonTestTopology.APP_PASSWORD)
				.doesNotContain(NeonTestTopology.MIGRATOR_PASSWORD);
		}
		assertThat(tables(database)).as("nothing ran against the real database").isEmpty();
	}

	@Test
	void processedForDevThenRunInProductionWithoutUrlRefusesToStart() throws Exception {
		// neon.embedded.enabled=false in prod: the processed app would still start the embedded database.
		try (AotProcessedApplication.Started app = processedForDev.start("dev-run-as-prod-without-url", Map.of(),
				arguments("--spring.profiles.active=prod"))) {
			assertThat(app.awaitExit(STARTUP)).isNotZero();
			assertThat(app.output()).doesNotContain("started an embedded PostgreSQL")
				.contains("processed ahead of time")
				.contains("neon.embedded.enabled");
		}
	}

	@Test
	void processedWithUrlThenRunWithoutOneRefusesToStartTheEmbeddedDatabase() throws Exception {
		// The reverse: processed with a connection string, run in dev without one (embedded database enabled).
		try (AotProcessedApplication.Started app = processedForDevWithUrl.start("dev-with-url-run-without",
				Map.of(), arguments())) {
			assertThat(app.awaitExit(STARTUP)).isNotZero();
			assertThat(app.output()).contains("processed ahead of time")
				.contains("embedded PostgreSQL")
				.contains("<profiles>")
				.doesNotContain("secret");
		}
	}

	@Test
	void processedWithoutReadReplicaThenRunWithOneRefusesToStart() throws Exception {
		String database = topology.createDatabase();
		Map<String, String> environment = new java.util.HashMap<>(neonUrls(database));
		environment.put("READ_REPLICA_URL", topology.pooledUrl(database, "sslmode=require"));
		try (AotProcessedApplication.Started app = processedForProd.start("prod-run-with-replica", environment,
				arguments("--spring.profiles.active=prod"))) {
			assertThat(app.awaitExit(STARTUP)).isNotZero();
			assertThat(app.output()).contains("processed ahead of time")
				.contains("neon.read-replica.url")
				.doesNotContain(NeonTestTopology.APP_PASSWORD);
		}
		assertThat(tables(database)).isEmpty();
	}

	@Test
	@SuppressWarnings("unchecked")
	void processedForProdRunsOnTheTopology() throws Exception {
		String database = topology.createDatabase();
		// The migration role owns the schema; the runtime role gets the rights a Neon user would grant it.
		topology.postgres()
			.execute(database,
					"ALTER DEFAULT PRIVILEGES FOR ROLE " + NeonTestTopology.MIGRATOR + " IN SCHEMA public GRANT SELECT,"
							+ " INSERT, UPDATE, DELETE ON TABLES TO " + NeonTestTopology.APP_USER,
					"ALTER DEFAULT PRIVILEGES FOR ROLE " + NeonTestTopology.MIGRATOR
							+ " IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO " + NeonTestTopology.APP_USER);
		Map<String, String> environment = Map.of("DATABASE_URL", topology.pooledUrl(database, "sslmode=require"),
				"DIRECT_URL", "postgresql://" + NeonTestTopology.MIGRATOR + ":" + NeonTestTopology.MIGRATOR_PASSWORD
						+ "@localhost:" + topology.postgres().port() + "/" + database + "?sslmode=require");
		int port = freePort();
		try (AotProcessedApplication.Started app = processedForProd.start("prod", environment,
				arguments("--spring.profiles.active=prod", "--server.port=" + port,
						"--management.endpoint.health.show-details=always"))) {
			awaitReady(app, port);
			RestClient http = NeonTopologyProperties.http(port);

			Map<String, Object> created = http.post()
				.uri("/api/notes")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("text", "processed ahead of time"))
				.retrieve()
				.body(new ParameterizedTypeReference<>() {
				});
			assertThat(created).containsKey("id");
			List<Map<String, Object>> notes = http.get().uri("/api/notes").retrieve().body(new ParameterizedTypeReference<>() {
			});
			assertThat(notes).extracting((note) -> note.get("text")).containsExactly("processed ahead of time");

			Map<String, Object> health = http.get().uri("/actuator/health").retrieve().body(new ParameterizedTypeReference<>() {
			});
			assertThat(health).containsEntry("status", "UP");
			Map<String, Object> neon = (Map<String, Object>) ((Map<String, Object>) health.get("components"))
				.get("neon");
			assertThat(neon).containsEntry("status", "UP");
			assertThat((Map<String, Object>) neon.get("components")).containsOnlyKeys("pooled", "direct");

			String metrics = http.get().uri("/actuator/prometheus").retrieve().body(String.class);
			assertThat(metrics).contains("hikaricp_connections_max{pool=\"neon-pooled\"}")
				.contains("hikaricp_connections_max{pool=\"neon-direct\"}")
				.contains("neon_tls_verified{pool=\"neon-pooled\"} 1.0")
				.contains("resilience4j_circuitbreaker_state{name=\"neon\",state=\"closed\"} 1.0")
				.containsPattern("neon_queries_seconds_count\\{error=\"none\",outcome=\"success\",pool=\"neon-pooled\"} [1-9]");

			// Flyway ran through DIRECT_URL (its role is the migration role), the app through the pooler.
			JdbcTemplate admin = new JdbcTemplate(topology.postgres().adminDataSource(database));
			assertThat(admin.queryForList("SELECT installed_by FROM flyway_schema_history WHERE success", String.class))
				.containsOnly(NeonTestTopology.MIGRATOR)
				.hasSize(2);
			assertThat(app.output()).contains("Starting AOT-processed NotesApplication")
				.doesNotContain("embedded PostgreSQL")
				.doesNotContain(NeonTestTopology.APP_PASSWORD)
				.doesNotContain(NeonTestTopology.MIGRATOR_PASSWORD);
		}
	}

	@Test
	void processingWritesTheStartersNativeImageHints() throws Exception {
		for (AotProcessedApplication processed : List.of(processedForDev, processedForProd)) {
			assertThat(processed.nativeImageMetadata()).contains("dev.neonstarter.resilience.NeonTransientPredicate")
				.contains("dev.neonstarter.resilience.NeonUnavailablePredicate")
				.contains("org.postgresql.ssl.DefaultJavaSSLFactory");
		}
		// The embedded database's binaries only where processing chose it.
		assertThat(processedForDev.nativeImageMetadata()).contains("postgres-*.txz");
		assertThat(processedForProd.nativeImageMetadata()).doesNotContain("postgres-*.txz");
	}

	/** The topology's pooled and direct endpoints as a Neon user sets them, the app's own role on both. */
	private static Map<String, String> neonUrls(String database) {
		return Map.of("DATABASE_URL", topology.pooledUrl(database, "sslmode=require"), "DIRECT_URL",
				topology.directUrl(database, "sslmode=require"));
	}

	/** The settings the topology needs on top of the given ones (its CA, PgBouncer 1.18's prepared statements). */
	private static String[] arguments(String... arguments) {
		List<String> all = new java.util.ArrayList<>(List.of(arguments));
		all.add("--neon.ssl.root-cert=" + topology.certificates().caCertificate());
		all.add("--neon.pooled.prepared-statements=disabled");
		if (all.stream().noneMatch((argument) -> argument.startsWith("--server.port="))) {
			all.add("--server.port=0");
		}
		return all.toArray(String[]::new);
	}

	private static List<String> tables(String database) {
		return new JdbcTemplate(topology.postgres().adminDataSource(database))
			.queryForList("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", String.class);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void awaitReady(AotProcessedApplication.Started app, int port) throws Exception {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		HttpRequest readiness = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(5))
			.build();
		long deadline = System.nanoTime() + STARTUP.toNanos();
		while (System.nanoTime() < deadline) {
			assertThat(app.process().isAlive()).as("the app is running; output:%n%s", app.output()).isTrue();
			try {
				if (client.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			Thread.sleep(250);
		}
		throw new AssertionError("the app was not ready within " + STARTUP + "; output:\n" + app.output());
	}

}
