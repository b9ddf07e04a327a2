-- One row per stored file. The bytes live in object storage under SSE-C with a key derived from
-- the subject's key; the original file name is sealed with it too, so shredding the key leaves
-- no readable name in a backup of this table either.
CREATE TABLE documents (
    id               uuid PRIMARY KEY,
    subject          text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('cv', 'certificate', 'testimonial',
                                                   'reference', 'other', 'photo')),
    name_sealed      bytea NOT NULL,
    size             bigint NOT NULL CHECK (size > 0),
    sha256           text NOT NULL,
    content_type     text NOT NULL,
    bucket           text NOT NULL,
    object_name      text NOT NULL,
    version_id       text,
    registration_id  uuid,            -- set when the file came with a registration
    file_id          text,            -- intake's id of that file
    uploaded_by      text NOT NULL,   -- employee id, or service:intake
    uploaded_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (registration_id, file_id)
);
CREATE INDEX documents_subject ON documents (subject, uploaded_at);
