-- The relationship management system (RBS): organisations, their contact persons, the register
-- of contact moments, assignment agreements with clients, proposals and placements.
-- Personal data lives only in contacts (and in contact-moment reports); erasure removes it there.

CREATE TABLE organisations (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('client', 'supplier', 'vendor', 'referee', 'other')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A contact's id is a data subject id (privacy keys, erasure, access).
CREATE TABLE contacts (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisations(id),
    name             text NOT NULL,
    email            text,
    phone            text,
    function         text,
    email_hash       text,          -- blind index, for privacy's lookup by email
    phone_hash       text,
    referee_for      text,          -- candidate id, when a candidate named this person as referee
    unsubscribed_at  timestamptz,   -- never approached again with offers
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_organisation ON contacts (organisation_id);
CREATE INDEX contacts_email_hash ON contacts (email_hash);
CREATE INDEX contacts_phone_hash ON contacts (phone_hash);
CREATE INDEX contacts_referee_for ON contacts (referee_for);

CREATE TABLE contact_moments (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisations(id),
    contact_id       uuid REFERENCES contacts(id) ON DELETE SET NULL,
    employee_id      text NOT NULL,  -- who at the agency
    occurred_at      timestamptz NOT NULL,
    channel          text NOT NULL
                     CHECK (channel IN ('phone', 'email', 'meeting', 'video', 'letter', 'other')),
    report           text,           -- emptied when the contact is erased
    recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_moments_organisation ON contact_moments (organisation_id, occurred_at);
CREATE INDEX contact_moments_contact ON contact_moments (contact_id, occurred_at);

CREATE TABLE assignments (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisations(id),
    vacancy          text NOT NULL,
    function_type    text NOT NULL,
    opened_on        date NOT NULL,
    starts_on        date,
    ends_on          date,
    status           text NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'filled', 'cancelled')),
    closed_on        date,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX assignments_organisation ON assignments (organisation_id);
CREATE INDEX assignments_opened ON assignments (opened_on);

-- candidate_id is nulled when the candidate is erased; the row stays for the statistics.
CREATE TABLE proposals (
    id                  uuid PRIMARY KEY,
    assignment_id       uuid NOT NULL REFERENCES assignments(id),
    candidate_id        text,
    proposed_on         date NOT NULL,
    consent_checked_at  timestamptz NOT NULL,
    proposed_by         text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (assignment_id, candidate_id)
);
CREATE INDEX proposals_candidate ON proposals (candidate_id);

-- One placement fills one assignment.
CREATE TABLE placements (
    id             uuid PRIMARY KEY,
    assignment_id  uuid NOT NULL UNIQUE REFERENCES assignments(id),
    proposal_id    uuid NOT NULL REFERENCES proposals(id),
    candidate_id   text,
    placed_on      date NOT NULL,
    starts_on      date NOT NULL,
    ends_on        date,
    placed_by      text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX placements_candidate ON placements (candidate_id);
CREATE INDEX placements_placed ON placements (placed_on);
