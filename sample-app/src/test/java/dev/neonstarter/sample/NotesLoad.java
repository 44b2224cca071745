package dev.neonstarter.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A steady request load on the sample app: each client thread creates notes one after another, every request
 * with its own {@code Idempotency-Key} (and the key as text, so the database can be checked against what the
 * clients were told), and optionally reads one back. Every response is recorded.
 */
final class NotesLoad implements AutoCloseable {

	/** One request and what the client got back. */
	record Outcome(String method, String key, int status, boolean retryAfter, String location, long startedNanos) {

		boolean acknowledgedWrite() {
			return "POST".equals(this.method) && this.status == 201;
		}

	}

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	private final boolean withReads;

	private final List<Outcome> outcomes = new ArrayList<>();

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final ExecutorService clients;

	private NotesLoad(int port, int clients, boolean withReads) {
		this.base = "http://localhost:" + port + "/api/notes";
		this.withReads = withReads;
		this.clients = Executors.newFixedThreadPool(clients);
		for (int i = 0; i < clients; i++) {
			this.clients.execute(this::client);
		}
	}

	/** Starts the given number of clients writing notes. */
	static NotesLoad writes(int port, int clients) {
		return new NotesLoad(port, clients, false);
	}

	/** Starts clients that write a note and read it back, in turn. */
	static NotesLoad writesAndReads(int port, int clients) {
		return new NotesLoad(port, clients, true);
	}

	private void client() {
		while (this.running.get()) {
			String key = UUID.randomUUID().toString();
			Outcome write = send("POST", key, HttpRequest.newBuilder(URI.create(this.base))
				.header("Content-Type", "application/json")
				.header("Idempotency-Key", key)
				.POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + key + "\"}")));
			if (this.withReads && write.acknowledgedWrite()) {
				send("GET", key, HttpRequest.newBuilder(URI.create(this.base).resolve(write.location())).GET());
			}
			if (write.status() != 201) {
				pause();
			}
		}
	}

	private Outcome send(String method, String key, HttpRequest.Builder request) {
		long started = System.nanoTime();
		Outcome outcome;
		try {
			HttpResponse<Void> response = this.http.send(request.timeout(Duration.ofSeconds(60)).build(),
					HttpResponse.BodyHandlers.discarding());
			outcome = new Outcome(method, key, response.statusCode(),
					response.headers().firstValue("Retry-After").isPresent(),
					response.headers().firstValue("Location").orElse(null), started);
		}
		catch (Exception ex) {
			// No response at all (the request may or may not have been stored).
			outcome = new Outcome(method, key, -1, false, null, started);
		}
		synchronized (this.outcomes) {
			this.outcomes.add(outcome);
		}
		return outcome;
	}

	/** Clients back off a little after a failure, as real ones do, instead of spinning. */
	private static void pause() {
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Every response so far, in the order they arrived. */
	List<Outcome> outcomes() {
		synchronized (this.outcomes) {
			return List.copyOf(this.outcomes);
		}
	}

	long count(Predicate<Outcome> predicate) {
		return outcomes().stream().filter(predicate).count();
	}

	/** Keys of the notes the clients were told were stored. */
	List<String> acknowledgedKeys() {
		return outcomes().stream().filter(Outcome::acknowledgedWrite).map(Outcome::key).toList();
	}

	/** Stops the clients and waits for their last requests. */
	@Override
	public void close() {
		this.running.set(false);
		this.clients.shutdown();
		try {
			if (!this.clients.awaitTermination(90, TimeUnit.SECONDS)) {
				throw new IllegalStateException("load clients did not stop");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
