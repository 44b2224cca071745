CREATE TABLE wrapped_notes (id bigserial PRIMARY KEY, body text NOT NULL);
GRANT SELECT, INSERT ON wrapped_notes TO app_user;
GRANT USAGE ON SEQUENCE wrapped_notes_id_seq TO app_user;
