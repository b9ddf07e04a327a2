-- Data-subject requests. The subject is referred to by id or by a keyed hash, never in plaintext.
CREATE TABLE requests (
    id            uuid PRIMARY KEY,
    type          text NOT NULL CHECK (type IN ('access', 'rectification', 'erasure', 'unsubscribe')),
    status        text NOT NULL CHECK (status IN ('identity_unverified', 'received', 'in_progress',
                                                  'complete', 'error', 'cancelled')),
    subject       text,          -- candidate or contact id once known
    subject_kind  text NOT NULL CHECK (subject_kind IN ('candidate', 'contact', 'email')),
    email_hash    text,          -- blind index of the normalised email
    received_at   timestamptz NOT NULL DEFAULT now(),
    due_on        date NOT NULL,
    completed_at  timestamptz,
    created_by    text NOT NULL
);
CREATE INDEX requests_subject ON requests (subject);

-- One row per data-holding service and request: what it reported, and when.
CREATE TABLE request_progress (
    request_id    uuid NOT NULL REFERENCES requests(id),
    service       text NOT NULL,
    status        text NOT NULL CHECK (status IN ('pending', 'done')),
    sent_at       timestamptz NOT NULL DEFAULT now(),
    done_at       timestamptz,
    counts        jsonb,
    PRIMARY KEY (request_id, service)
);

-- Every state change with its time and who acted.
CREATE TABLE request_events (
    request_id  uuid NOT NULL REFERENCES requests(id),
    at          timestamptz NOT NULL DEFAULT now(),
    status      text NOT NULL,
    actor       text NOT NULL
);
