package dev.neonstarter.sample.notes;

import java.net.URI;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** {@code /api/notes}: create, list, read and delete notes. */
@RestController
@RequestMapping("/api/notes")
class NoteController {

	static final int MAX_TEXT_LENGTH = 10_000;

	private final NoteRepository notes;

	NoteController(NoteRepository notes) {
		this.notes = notes;
	}

	@PostMapping
	ResponseEntity<Note> create(@RequestBody NewNote request) {
		if (request == null || request.text() == null || request.text().isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "text is required");
		}
		if (request.text().length() > MAX_TEXT_LENGTH) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "text is longer than " + MAX_TEXT_LENGTH);
		}
		Note note = this.notes.create(request.text());
		return ResponseEntity.created(URI.create("/api/notes/" + note.id())).body(note);
	}

	@GetMapping
	List<Note> list() {
		return this.notes.findAll();
	}

	@GetMapping("/{id}")
	Note get(@PathVariable long id) {
		return this.notes.findById(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@PathVariable long id) {
		return this.notes.delete(id) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
	}

	/** Request body of {@code POST /api/notes}. */
	record NewNote(String text) {
	}

}
