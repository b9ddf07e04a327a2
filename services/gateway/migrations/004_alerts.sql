-- The alerts on ops.alerts, as the people who act on them see them: open until someone closes
-- them, and mailed once to the role that acts (its mailbox). Ids and facts only: no personal
-- data reaches this table (alerts.facts_of keeps a fixed list of fields).
CREATE TABLE alerts (
    id               uuid PRIMARY KEY,  -- the event id
    kind             text NOT NULL,
    source           text NOT NULL,
    audience         text NOT NULL CHECK (audience IN ('privacy_officer', 'admin')),
    facts            jsonb NOT NULL DEFAULT '{}',
    raised_at        timestamptz NOT NULL,
    acknowledged_at  timestamptz,
    acknowledged_by  text REFERENCES users(id) ON DELETE SET NULL,
    closed_at        timestamptz,
    closed_by        text REFERENCES users(id) ON DELETE SET NULL,
    mailed_at        timestamptz,  -- or when it was found too old to be news (not mailed)
    mail_attempts    integer NOT NULL DEFAULT 0
);
CREATE INDEX alerts_open ON alerts (audience, raised_at DESC) WHERE closed_at IS NULL;
CREATE INDEX alerts_to_mail ON alerts (raised_at) WHERE mailed_at IS NULL;
