CREATE TABLE widgets (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);
-- The runtime role reads and writes but does not own the schema.
GRANT SELECT, INSERT, UPDATE, DELETE ON widgets TO app_user;
