-- The complaints register: complaints about how the agency handles personal data (from a
-- candidate, a business contact, or through the Autoriteit Persoonsgegevens), what was done
-- and how each ended. The officer describes them without names or contact details.
CREATE TABLE complaints (
    id           uuid PRIMARY KEY,
    received_on  date NOT NULL,
    summary      text NOT NULL,
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    outcome      text,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    closed_by    text,
    closed_at    timestamptz
);
CREATE INDEX complaints_received ON complaints (received_on DESC);
