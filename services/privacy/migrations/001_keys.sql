-- Per-subject data keys, wrapped with the master key: a dump of this table alone opens nothing.
CREATE TABLE subject_keys (
    subject     text PRIMARY KEY,
    wrapped     bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
