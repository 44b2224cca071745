package dev.neonstarter.sample.notes;

import java.net.URI;
import java.util.List;

import dev.neonstarter.resilience.NeonOperations;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** {@code /api/notes}: create, list, read and delete notes. */
@RestController
@RequestMapping("/api/notes")
class NoteController {

	static final int MAX_TEXT_LENGTH = 10_000;

	private final NoteRepository notes;

	private final NeonOperations neon;

	NoteController(NoteRepository notes, NeonOperations neon) {
		this.notes = notes;
		this.neon = neon;
	}

	/**
	 * Creates a note. With an {@code Idempotency-Key} header, repeating the request (a client retry after a
	 * timeout) returns the same note instead of storing it twice; the server-side retry of transient Neon
	 * failures relies on the same guarantee.
	 */
	@PostMapping
	ResponseEntity<Note> create(@RequestBody NewNote request,
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
		if (request == null || request.text() == null || request.text().isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "text is required");
		}
		if (request.text().length() > MAX_TEXT_LENGTH) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "text is longer than " + MAX_TEXT_LENGTH);
		}
		if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Idempotency-Key must be 1 to 200 characters");
		}
		Note note = this.neon.execute(() -> this.notes.create(request.text(), idempotencyKey));
		return ResponseEntity.created(URI.create("/api/notes/" + note.id())).body(note);
	}

	// Reads and deletes are idempotent, so a transient failure (a connection cut by a compute suspend) is
	// retried here too instead of reaching the client.

	@GetMapping
	List<Note> list() {
		return this.neon.execute(this.notes::findAll);
	}

	@GetMapping("/{id}")
	Note get(@PathVariable long id) {
		return this.neon.execute(() -> this.notes.findById(id))
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@PathVariable long id) {
		return this.neon.execute(() -> this.notes.delete(id)) ? ResponseEntity.noContent().build()
				: ResponseEntity.notFound().build();
	}

	/** Request body of {@code POST /api/notes}. */
	record NewNote(String text) {
	}

}
