-- Registrations in progress. Deleted as soon as the hand-off is confirmed or the registration
-- is rejected: nothing of a registration stays here after the intake procedure.
CREATE TABLE registrations (
    id           uuid PRIMARY KEY,
    subject      text NOT NULL,         -- the candidate id it will become
    status       text NOT NULL,
    data         jsonb NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registrations_subject ON registrations (subject);
