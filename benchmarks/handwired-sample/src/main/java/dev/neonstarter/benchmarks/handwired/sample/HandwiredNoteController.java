package dev.neonstarter.benchmarks.handwired.sample;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The sample app's {@code /api/notes} with the same statements, each call through the hand-made retry and
 * circuit breaker as the sample app's go through {@code NeonOperations}.
 */
@RestController
@RequestMapping("/api/notes")
class HandwiredNoteController {

	private final JdbcClient jdbc;

	private final Retry retry;

	private final CircuitBreaker breaker;

	HandwiredNoteController(JdbcClient jdbc, Retry databaseRetry, CircuitBreaker databaseCircuitBreaker) {
		this.jdbc = jdbc;
		this.retry = databaseRetry;
		this.breaker = databaseCircuitBreaker;
	}

	@PostMapping
	ResponseEntity<Note> create(@RequestBody NewNote request,
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
		if (request == null || request.text() == null || request.text().isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "text is required");
		}
		Note note = guarded(() -> this.jdbc.sql("""
				WITH inserted AS (
				    INSERT INTO notes (text, idempotency_key) VALUES (:text, :key)
				    ON CONFLICT (idempotency_key) DO NOTHING
				    RETURNING id, text, created_at)
				SELECT id, text, created_at FROM inserted
				UNION ALL
				SELECT id, text, created_at FROM notes WHERE idempotency_key = :key AND NOT EXISTS (SELECT 1 FROM inserted)
				""").param("text", request.text()).param("key", idempotencyKey).query(HandwiredNoteController::map).single());
		return ResponseEntity.created(URI.create("/api/notes/" + note.id())).body(note);
	}

	@GetMapping
	List<Note> list() {
		return guarded(() -> this.jdbc.sql("SELECT id, text, created_at FROM notes ORDER BY id")
			.query(HandwiredNoteController::map)
			.list());
	}

	@GetMapping("/{id}")
	Note get(@PathVariable long id) {
		return guarded(() -> this.jdbc.sql("SELECT id, text, created_at FROM notes WHERE id = :id")
			.param("id", id)
			.query(HandwiredNoteController::map)
			.optional()).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
	}

	private <T> T guarded(Supplier<T> call) {
		return Retry.decorateSupplier(this.retry, CircuitBreaker.decorateSupplier(this.breaker, call)).get();
	}

	private static Note map(ResultSet rs, int row) throws SQLException {
		return new Note(rs.getLong("id"), rs.getString("text"), rs.getObject("created_at", OffsetDateTime.class));
	}

	record Note(long id, String text, OffsetDateTime createdAt) {
	}

	record NewNote(String text) {
	}

}
