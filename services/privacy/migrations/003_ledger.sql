-- The privacy ledger: request life cycle, suppression list, exports, registers, statements.
-- Nothing here holds a plaintext identifier of a person: ids and keyed hashes only.

ALTER TABLE requests
    ADD COLUMN phone_hash     text,
    ADD COLUMN channel        text NOT NULL DEFAULT 'officer'
                                   CHECK (channel IN ('officer', 'self_service', 'retention')),
    ADD COLUMN extended_days  int NOT NULL DEFAULT 0,
    ADD COLUMN error          text,               -- why it stopped, no personal data
    ADD COLUMN note           text,               -- e.g. 'no personal data held'
    ADD COLUMN sealed_changes text,               -- rectification: sealed with the subject key
    ADD COLUMN code_hash      text,               -- self-service: keyed hash of the 6-digit code
    ADD COLUMN code_expires_at timestamptz,
    ADD COLUMN code_attempts  int NOT NULL DEFAULT 0;

-- A repeated request for the same person and type while one is open is linked, not duplicated.
CREATE UNIQUE INDEX requests_open_once ON requests (type, (coalesce(subject, email_hash)))
    WHERE status IN ('received', 'in_progress', 'error');
CREATE INDEX requests_open ON requests (status) WHERE status IN ('received', 'in_progress', 'error');

ALTER TABLE request_events ADD COLUMN note text;
CREATE INDEX request_events_request ON request_events (request_id, at);

ALTER TABLE request_progress ADD COLUMN attempts int NOT NULL DEFAULT 1;

-- Later requests for the same person and type, folded into the open one.
CREATE TABLE request_links (
    request_id  uuid NOT NULL REFERENCES requests(id),
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    channel     text NOT NULL
);

-- Which keyed hashes belong to a subject, learnt from registrations; dropped on erasure
-- (the hashes then live on only in the suppression list).
CREATE TABLE subject_index (
    subject     text PRIMARY KEY,
    email_hash  text,
    phone_hash  text,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subject_index_email ON subject_index (email_hash);

-- Never approach again: keyed hashes of the normalised email and phone, nothing else.
CREATE TABLE suppression (
    hash        text PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('email', 'phone')),
    reason      text NOT NULL CHECK (reason IN ('erasure', 'unsubscribe')),
    request_id  uuid,
    since       timestamptz NOT NULL DEFAULT now()
);

-- A new explicit registration lifts the suppression; the lift itself is recorded.
CREATE TABLE suppression_lifts (
    subject          text NOT NULL,
    registration_id  text,
    hashes           int NOT NULL,
    lifted_at        timestamptz NOT NULL DEFAULT now()
);

-- Access exports in the export bucket, deleted after a set period.
CREATE TABLE exports (
    request_id  uuid PRIMARY KEY REFERENCES requests(id),
    subject     text NOT NULL,
    bucket      text NOT NULL,
    prefix      text NOT NULL,
    object      text,                             -- the assembled archive, once ready
    slices      jsonb NOT NULL DEFAULT '{}',      -- per service: files written, erased flag
    ready_at    timestamptz,
    expires_at  timestamptz,
    deleted_at  timestamptz
);
CREATE INDEX exports_subject ON exports (subject);

-- Each alert goes out once per thing and kind.
CREATE TABLE alerts_sent (
    ref      text NOT NULL,
    kind     text NOT NULL,
    sent_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ref, kind)
);

-- Self-service abuse limits: keyed hashes of the email / client address, with a time.
CREATE TABLE selfservice_attempts (
    bucket  text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX selfservice_attempts_bucket ON selfservice_attempts (bucket, at);

-- Data-breach register with the 72-hour clock for the Autoriteit Persoonsgegevens.
CREATE TABLE breaches (
    id                   uuid PRIMARY KEY,
    summary              text NOT NULL,
    occurred_at          timestamptz,
    discovered_at        timestamptz NOT NULL,
    categories           text[] NOT NULL,
    people_affected      int NOT NULL,
    measures             text NOT NULL DEFAULT '',
    notify_people        boolean,                 -- must the people affected be told?
    reported_to_ap_at    timestamptz,
    people_notified_at   timestamptz,
    closed_at            timestamptz,
    created_by           text NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE processors (
    id              uuid PRIMARY KEY,
    name            text NOT NULL,
    service         text NOT NULL,
    data_categories text[] NOT NULL,
    agreement_date  date NOT NULL,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE processing_activities (
    id              uuid PRIMARY KEY,
    name            text NOT NULL UNIQUE,
    purposes        text[] NOT NULL,
    data_subjects   text NOT NULL,
    data_categories text[] NOT NULL,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- The activities as the 2018-05 privacy statement describes them.
INSERT INTO processing_activities (id, name, purposes, data_subjects, data_categories, created_by)
VALUES
 ('0190a000-0000-7000-8000-000000000001', 'Bemiddeling van kandidaten',
  ARRAY['bemiddeling', 'payroll', 'werving & selectie',
        'vastleggen van beschikbaarheid en inzetbaarheid'],
  'kandidaten',
  ARRAY['NAW-gegevens, e-mailadres en andere contactgegevens', 'geboortegegevens, leeftijd, geslacht',
        'cv, opleiding, stages en werkervaring', 'trainingen, opleidingen en testen',
        'beschikbaarheid en verlof', 'referenties en getuigschriften', 'pasfoto (vrijwillig)',
        'gespreksnotities en plaatsingsopdrachten'],
  'statement:2018-05'),
 ('0190a000-0000-7000-8000-000000000002', 'Inschrijving via de website',
  ARRAY['controle van de inschrijving aan de inschrijvingscriteria'],
  'kandidaten',
  ARRAY['de bij inschrijving vrijwillig vastgelegde gegevens'],
  'statement:2018-05'),
 ('0190a000-0000-7000-8000-000000000003', 'Relatiebeheer (RBS)',
  ARRAY['onderhouden van zakelijke contacten en uitbrengen van aanbiedingen',
        'afsluiten van opdrachtovereenkomsten en contacten daarover',
        'bijhouden van plaatsingsstatistieken'],
  'contactpersonen van zakelijke relaties',
  ARRAY['namen', 'contactgegevens', 'functies', 'verslagen van contactmomenten'],
  'statement:2018-05');

-- Privacy statement versions; earlier versions stay readable.
CREATE TABLE statements (
    version       text PRIMARY KEY,               -- e.g. '2018-05'
    published_on  date NOT NULL,
    language      text NOT NULL DEFAULT 'nl',
    title         text NOT NULL,
    body          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
