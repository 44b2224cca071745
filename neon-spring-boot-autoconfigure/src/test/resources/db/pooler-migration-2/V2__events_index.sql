-- Runs while the application writes to events through the pooler.
CREATE INDEX events_payload ON events (payload);
ALTER TABLE events ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
