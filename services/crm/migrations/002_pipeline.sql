-- The pipeline of an assignment: where each proposed candidate stands with the client.
-- "placed" is not stored here: the placement that names the proposal says so.
ALTER TABLE proposals
    ADD COLUMN stage text NOT NULL DEFAULT 'proposed'
        CHECK (stage IN ('proposed', 'interviewing', 'declined')),
    ADD COLUMN stage_changed_at timestamptz;
CREATE INDEX assignments_status ON assignments (status, opened_on);
