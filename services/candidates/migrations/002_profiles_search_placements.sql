-- Profiles get what search filters on, blind indexes of email and phone (no plaintext
-- identifier in an index), and the Dutch full-text vector: profile terms (weights A/B) plus
-- the CV text documents extracts (weight C), one GIN index over both.

ALTER TABLE candidates
    ADD COLUMN email_hash            text,
    ADD COLUMN phone_hash            text,
    ADD COLUMN function_types        text[] NOT NULL DEFAULT '{}',
    ADD COLUMN regions               text[] NOT NULL DEFAULT '{}',  -- lower case
    ADD COLUMN postcode_area         text,                          -- four digits
    ADD COLUMN available_from        date,
    ADD COLUMN experience_months     integer NOT NULL DEFAULT 0,    -- finished periods
    ADD COLUMN experience_running    date,                          -- start of the current job
    ADD COLUMN education_rank        smallint NOT NULL DEFAULT 0,
    ADD COLUMN profile_terms         tsvector NOT NULL DEFAULT ''::tsvector,
    ADD COLUMN cv_terms              tsvector NOT NULL DEFAULT ''::tsvector,
    ADD COLUMN search                tsvector GENERATED ALWAYS AS (profile_terms || cv_terms) STORED;

CREATE INDEX candidates_search ON candidates USING gin (search);
CREATE INDEX candidates_email_hash ON candidates (email_hash);
CREATE INDEX candidates_phone_hash ON candidates (phone_hash);
CREATE INDEX candidates_function_types ON candidates USING gin (function_types);

-- CV text from documents; may arrive before the profile does, so not a foreign key.
CREATE TABLE cv_texts (
    document_id   text PRIMARY KEY,
    candidate_id  text NOT NULL,
    text          text NOT NULL,
    stored_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cv_texts_candidate ON cv_texts (candidate_id);

CREATE TABLE notes (
    id            uuid PRIMARY KEY,
    candidate_id  text NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    author        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    text          text NOT NULL
);
CREATE INDEX notes_candidate ON notes (candidate_id, created_at);

-- Which assignment (crm's id) a candidate is involved in, and how far.
CREATE TABLE placements (
    candidate_id   text NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    assignment_id  uuid NOT NULL,
    stage          text NOT NULL,
    updated_by     text NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (candidate_id, assignment_id)
);

-- The placement procedure's personal checks, kept as recorded (proof of consent);
-- the latest check per assignment is the one that counts.
CREATE TABLE placement_checks (
    id              uuid PRIMARY KEY,
    candidate_id    text NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    assignment_id   uuid NOT NULL,
    work_situation  text NOT NULL,
    available_from  date,
    hours_per_week  smallint,
    interested      boolean NOT NULL,
    consent         boolean NOT NULL,
    share           text[] NOT NULL DEFAULT '{}',
    checked_by      text NOT NULL,
    checked_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX placement_checks_latest ON placement_checks (candidate_id, assignment_id, checked_at DESC);

-- Register of profiles shared with clients: who, when, which assignment, which sections.
CREATE TABLE client_exports (
    id             uuid PRIMARY KEY,
    candidate_id   text NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    assignment_id  uuid NOT NULL,
    check_id       uuid NOT NULL REFERENCES placement_checks (id) ON DELETE CASCADE,
    sections       text[] NOT NULL,
    exported_by    text NOT NULL,
    exported_at    timestamptz NOT NULL DEFAULT now()
);
