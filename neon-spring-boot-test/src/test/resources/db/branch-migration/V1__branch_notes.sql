CREATE TABLE branch_notes (
    id   bigserial PRIMARY KEY,
    text text NOT NULL
);
