package dev.neonstarter.sample.notes;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Notes over the application's DataSource: the pooled primary, and, for the read-only listing, the read
 * replica when one is configured ({@code READ_REPLICA_URL} in the prod profile). Each method is a single
 * statement, so it works unchanged through PgBouncer in transaction mode.
 */
@Repository
class NoteRepository {

	private final JdbcClient jdbc;

	NoteRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Stores a note once per idempotency key: a repeated key returns the note stored the first time. One
	 * statement, so it is atomic through the pooler and safe to retry.
	 */
	Note create(String text, String idempotencyKey) {
		return this.jdbc.sql("""
				WITH inserted AS (
				    INSERT INTO notes (text, idempotency_key) VALUES (:text, :key)
				    ON CONFLICT (idempotency_key) DO NOTHING
				    RETURNING id, text, created_at)
				SELECT id, text, created_at FROM inserted
				UNION ALL
				SELECT id, text, created_at FROM notes WHERE idempotency_key = :key AND NOT EXISTS (SELECT 1 FROM inserted)
				""")
			.param("text", text)
			.param("key", idempotencyKey)
			.query(NoteRepository::map)
			.single();
	}

	/**
	 * A read-only transaction: with a read replica it runs there, and a note created a moment ago may not be
	 * listed yet (replication is asynchronous). Reads that must see the caller's own writes, such as
	 * {@link #findById} after a create, stay on the primary.
	 */
	@Transactional(readOnly = true)
	public List<Note> findAll() {
		return this.jdbc.sql("SELECT id, text, created_at FROM notes ORDER BY id").query(NoteRepository::map).list();
	}

	Optional<Note> findById(long id) {
		return this.jdbc.sql("SELECT id, text, created_at FROM notes WHERE id = :id")
			.param("id", id)
			.query(NoteRepository::map)
			.optional();
	}

	boolean delete(long id) {
		return this.jdbc.sql("DELETE FROM notes WHERE id = :id").param("id", id).update() == 1;
	}

	private static Note map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
		return new Note(rs.getLong("id"), rs.getString("text"), rs.getObject("created_at", OffsetDateTime.class));
	}

}
