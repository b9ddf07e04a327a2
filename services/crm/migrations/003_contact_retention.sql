-- Retention of business contacts: a contact without activity (an edit, a contact moment) for
-- the retention period is handed to privacy's erasure saga once; this records when.
ALTER TABLE contacts ADD COLUMN retention_lapsed_at timestamptz;
CREATE INDEX contacts_retention ON contacts (updated_at) WHERE retention_lapsed_at IS NULL;
