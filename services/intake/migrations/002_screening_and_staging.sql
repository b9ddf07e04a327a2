-- Registrations in progress with their staging files, the rejection notices still to send,
-- the rate limit and the only thing intake keeps for good: non-personal counts.
-- The skeleton's registrations table held nothing that outlives a hand-off; it is replaced.
DROP TABLE IF EXISTS registrations;

CREATE TABLE registrations (
    id                uuid PRIMARY KEY,
    subject           text NOT NULL,          -- the candidate id it becomes (new or existing)
    existing          boolean NOT NULL,       -- the email matched a candidate
    status            text NOT NULL CHECK (status IN ('needs_review', 'accepted')),
    data              jsonb NOT NULL,         -- the registration as entered (personal)
    screening         jsonb NOT NULL,         -- outcome, criteria version, reasons
    email_hash        text NOT NULL,          -- blind index, for lookups without plaintext
    phone_hash        text NOT NULL,
    suppressed        boolean NOT NULL DEFAULT false,
    -- SSE-C key of the staging objects: deleting the row shreds them, in backups too.
    file_key          bytea NOT NULL,
    profile_confirmed boolean NOT NULL DEFAULT false,
    received_at       timestamptz NOT NULL DEFAULT now(),
    decided_at        timestamptz
);
CREATE INDEX registrations_subject ON registrations (subject);
CREATE INDEX registrations_email ON registrations (email_hash);
CREATE INDEX registrations_review ON registrations (received_at) WHERE status = 'needs_review';

CREATE TABLE registration_files (
    file_id          uuid PRIMARY KEY,
    registration_id  uuid NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('cv', 'photo')),
    object_name      text NOT NULL,
    content_type     text NOT NULL,
    size             bigint NOT NULL,
    sha256           text NOT NULL,
    original_name    text NOT NULL,
    stored           boolean NOT NULL DEFAULT false  -- documents confirmed its copy
);
CREATE INDEX registration_files_registration ON registration_files (registration_id);

-- A declined registration keeps only what the notice needs, until the mail is out.
CREATE TABLE rejection_notices (
    id          uuid PRIMARY KEY,
    subject     text,                          -- set when the person is an existing candidate
    email       text NOT NULL,
    first_name  text NOT NULL,
    criteria    text[] NOT NULL,               -- names of the unmet criteria
    attempts    int NOT NULL DEFAULT 0,
    next_at     timestamptz NOT NULL DEFAULT now(),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rejection_notices_due ON rejection_notices (next_at);
CREATE INDEX rejection_notices_subject ON rejection_notices (subject);

-- Rate limit per client address; the address itself is kept only as a keyed hash, and only
-- for the length of the window.
CREATE TABLE registration_attempts (
    client_hash  text NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registration_attempts_client ON registration_attempts (client_hash, at);
CREATE INDEX registration_attempts_at ON registration_attempts (at);

-- Decisions without personal data: how many per day, per criteria version, per outcome, per
-- criterion ('*' counts the decisions themselves), and who decided (screening or recruiter).
CREATE TABLE screening_counts (
    day               date NOT NULL,
    criteria_version  text NOT NULL,
    decided_by        text NOT NULL,
    outcome           text NOT NULL,
    criterion         text NOT NULL,
    n                 integer NOT NULL,
    PRIMARY KEY (day, criteria_version, decided_by, outcome, criterion)
);
