package dev.neonstarter.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.neonstarter.testsupport.Executables;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriBuilder;

import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus for one test: its own temporary directory (configuration, TSDB, log), on a free loopback
 * port, scraping one target's {@code /actuator/prometheus} and evaluating the given rules. Also runs
 * {@code promtool}.
 */
final class PrometheusServer implements AutoCloseable {

	private final Path directory;

	private final Process process;

	private final RestClient http;

	private final Thread killOnExit;

	private PrometheusServer(Path directory, Process process, int port) {
		this.directory = directory;
		this.process = process;
		this.http = RestClient.builder().baseUrl("http://127.0.0.1:" + port).build();
		// Should the JVM end without @AfterAll (a killed build), the server must not outlive it.
		this.killOnExit = new Thread(process::destroyForcibly, "prometheus-kill");
		Runtime.getRuntime().addShutdownHook(this.killOnExit);
	}

	/** The named Prometheus executable ({@code prometheus}, {@code promtool}), if installed. */
	static Optional<Path> executable(String name) {
		// Where Debian installs them, then the PATH.
		return Executables.find(name, Paths.get("/usr/bin"));
	}

	/**
	 * Starts Prometheus scraping {@code http://127.0.0.1:<targetPort>/actuator/prometheus} every second (job
	 * {@code neon-notes}) and evaluating the rules every second; returns once it is ready.
	 */
	static PrometheusServer start(int targetPort, Path rules) {
		try {
			Path directory = Files.createTempDirectory("neon-prometheus");
			int port;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				port = socket.getLocalPort();
			}
			Path config = directory.resolve("prometheus.yml");
			Files.writeString(config, """
					global:
					  scrape_interval: 1s
					  scrape_timeout: 1s
					  evaluation_interval: 1s
					rule_files:
					  - '%s'
					scrape_configs:
					  - job_name: neon-notes
					    metrics_path: /actuator/prometheus
					    static_configs:
					      - targets: ['127.0.0.1:%d']
					""".formatted(rules.toAbsolutePath(), targetPort));
			Process process = new ProcessBuilder(executable("prometheus").orElseThrow().toString(),
					"--config.file=" + config, "--storage.tsdb.path=" + directory.resolve("data"),
					"--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("prometheus.log").toFile())
				.start();
			PrometheusServer server = new PrometheusServer(directory, process, port);
			try {
				await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(server::ready);
			}
			catch (RuntimeException ex) {
				String log = server.log();
				server.close();
				throw new IllegalStateException("Prometheus did not become ready:\n" + log, ex);
			}
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private boolean ready() {
		if (!this.process.isAlive()) {
			throw new IllegalStateException("Prometheus exited with " + this.process.exitValue());
		}
		try {
			return this.http.get().uri("/-/ready").retrieve().toBodilessEntity().getStatusCode().is2xxSuccessful();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** The result of an instant query ({@code /api/v1/query}): each element's {@code metric} and {@code value}. */
	List<Map<String, Object>> query(String promql) {
		return list(data(get((uri) -> uri.path("/api/v1/query").queryParam("query", "{query}").build(promql)))
			.get("result"));
	}

	/** The active alerts ({@code /api/v1/alerts}): each with {@code labels}, {@code state} and more. */
	List<Map<String, Object>> alerts() {
		return list(data(get((uri) -> uri.path("/api/v1/alerts").build())).get("alerts"));
	}

	/** Every metric name Prometheus has stored, from its scrapes ({@code /api/v1/label/__name__/values}). */
	@SuppressWarnings("unchecked")
	List<String> metricNames() {
		return (List<String>) get((uri) -> uri.path("/api/v1/label/__name__/values").build()).get("data");
	}

	private Map<String, Object> get(Function<UriBuilder, URI> uri) {
		return this.http.get().uri(uri).retrieve().body(new ParameterizedTypeReference<Map<String, Object>>() {
		});
	}

	String log() {
		try {
			return Files.readString(this.directory.resolve("prometheus.log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> data(Map<String, Object> body) {
		if (!"success".equals(body.get("status"))) {
			throw new IllegalStateException("Prometheus answered " + body);
		}
		return (Map<String, Object>) body.get("data");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Object list) {
		return (List<Map<String, Object>>) list;
	}

	@Override
	public void close() {
		Executables.stop(this.process);
		try {
			Runtime.getRuntime().removeShutdownHook(this.killOnExit);
		}
		catch (IllegalStateException ex) {
			// The JVM is already shutting down: the hook runs anyway.
		}
		delete(this.directory);
	}

	private static void delete(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// A temporary directory: left behind at worst.
		}
	}

	/**
	 * Runs {@code promtool} with the given arguments in a directory, feeding it {@code stdin} when not
	 * {@code null}.
	 */
	static Result promtool(Path workingDirectory, String stdin, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(executable("promtool").orElseThrow().toString());
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
				.redirectErrorStream(true)
				.start();
			if (stdin != null) {
				process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
			}
			process.getOutputStream().close();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("promtool " + arguments[0] + " did not finish in 60 s");
			}
			return new Result(process.exitValue(), output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** What promtool said and how it exited. */
	record Result(int exitCode, String output) {

	}

}
