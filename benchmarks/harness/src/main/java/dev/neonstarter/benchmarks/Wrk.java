package dev.neonstarter.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** wrk (Debian's package) with {@code notes.lua}, and what it printed. */
final class Wrk {

	static final int THREADS = 2;

	private final Path script;

	private Wrk(Path script) {
		this.script = script;
	}

	/** Puts the script where wrk can read it. */
	static Wrk in(Path directory) {
		try (InputStream script = Wrk.class.getResourceAsStream("notes.lua")) {
			Path file = directory.resolve("notes.lua");
			Files.copy(script, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			return new Wrk(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String version() {
		return Machine.firstLine("wrk", "-v");
	}

	/** Starts a run of the mixed load; {@link Run#await()} waits for it and parses the output. */
	Run start(int port, int connections, int seconds, int seededNotes) throws IOException {
		return start(port, connections, seconds, seededNotes, null);
	}

	/**
	 * Starts a run of GETs of one path ({@code {id}} replaced by a seeded note's id), or of the mixed load when
	 * {@code path} is {@code null}.
	 */
	Run start(int port, int connections, int seconds, int seededNotes, String path) throws IOException {
		Path output = Files.createTempFile("wrk", ".out");
		List<String> command = new ArrayList<>(List.of("wrk", "-t" + THREADS, "-c" + connections, "-d" + seconds + "s",
				"--timeout", "30s", "-s", this.script.toString(), "http://127.0.0.1:" + port, "--",
				String.valueOf(seededNotes)));
		if (path != null) {
			command.add(path);
		}
		Process process = new ProcessBuilder(command)
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		return new Run(process, output, System.currentTimeMillis(), seconds);
	}

	record Run(Process process, Path output, long startMillis, int seconds) {

		Result await() throws IOException, InterruptedException {
			if (!this.process.waitFor(this.seconds + 60L, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				throw new IllegalStateException("wrk did not finish");
			}
			String text = Files.readString(this.output, StandardCharsets.UTF_8);
			Files.delete(this.output);
			Map<String, Double> values = new LinkedHashMap<>();
			NavigableMap<Long, long[]> timeline = new TreeMap<>();
			Map<Integer, Long> statuses = new TreeMap<>();
			for (String line : text.split("\n")) {
				String[] fields = line.trim().split(" ");
				if (!fields[0].equals("NEON-WRK")) {
					continue;
				}
				if (fields[1].equals("bucket")) {
					String[] key = fields[2].split(":");
					long bucket = Long.parseLong(key[0]) * 100;
					int status = Integer.parseInt(key[1]);
					long count = Long.parseLong(fields[3]);
					timeline.computeIfAbsent(bucket, (start) -> new long[2])[(status < 400) ? 0 : 1] += count;
					statuses.merge(status, count, Long::sum);
				}
				else {
					values.put(fields[1], Double.parseDouble(fields[2]));
				}
			}
			if (this.process.exitValue() != 0 || !values.containsKey("requests")) {
				throw new IllegalStateException("wrk failed (exit " + this.process.exitValue() + "):\n" + text);
			}
			return new Result(values, timeline, statuses, this.startMillis);
		}

	}

	/**
	 * One wrk run: its summary, responses per 100 ms ({@code [succeeded, failed]} keyed by the bucket's start
	 * in epoch ms; failed means HTTP 4xx/5xx) and responses by status.
	 */
	record Result(Map<String, Double> values, NavigableMap<Long, long[]> timeline, Map<Integer, Long> statuses,
			long startMillis) {

		long requests() {
			return this.values.get("requests").longValue();
		}

		double seconds() {
			return this.values.get("duration_us") / 1e6;
		}

		double requestsPerSecond() {
			return requests() / seconds();
		}

		/** Connections refused or reset, and requests without an answer within wrk's timeout. */
		long socketErrors() {
			return (long) (this.values.get("errors_connect") + this.values.get("errors_read")
					+ this.values.get("errors_write") + this.values.get("errors_timeout"));
		}

		/** Responses with a status of 400 or more. */
		long failedResponses() {
			return this.statuses.entrySet()
				.stream()
				.filter((entry) -> entry.getKey() >= 400)
				.mapToLong(Map.Entry::getValue)
				.sum();
		}

		long errors() {
			return socketErrors() + failedResponses();
		}

		double latencyMillis(String percentile) {
			return this.values.get("latency_" + percentile + "_us") / 1000;
		}

		List<String> statusSummary() {
			List<String> summary = new ArrayList<>();
			this.statuses.forEach((status, count) -> summary.add(count + " x " + status));
			return summary;
		}

	}

}
