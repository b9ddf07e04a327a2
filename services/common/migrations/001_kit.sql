-- Tables every service has: the transactional outbox, the idempotent inbox and erasure tombstones.

CREATE TABLE outbox (
    seq         bigserial PRIMARY KEY,
    event_id    uuid NOT NULL UNIQUE,
    topic       text NOT NULL,
    key         text,
    payload     bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;

CREATE TABLE inbox (
    event_id     uuid PRIMARY KEY,
    topic        text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);

-- Subject id and time only: enough to drop late events about an erased person.
CREATE TABLE tombstones (
    subject    text PRIMARY KEY,
    erased_at  timestamptz NOT NULL DEFAULT now()
);
