CREATE TABLE notes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
