-- A client retrying a POST sends the same Idempotency-Key: the note is stored once.
ALTER TABLE notes ADD COLUMN idempotency_key text UNIQUE;
