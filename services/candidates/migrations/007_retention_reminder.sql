-- Retention: one reminder during the grace period (RETENTION_REMINDER_DAYS before erasure).
-- Set once the reminder step is done for the cycle: mailed, unless the candidate was
-- unsubscribed or suppressed meanwhile. Activity clears it with the rest of the cycle.
ALTER TABLE candidates ADD COLUMN renewal_reminded_at timestamptz;

CREATE INDEX candidates_reminder_due ON candidates (renewal_started_at)
    WHERE retention_closed_at IS NULL AND renewal_mailed_at IS NOT NULL
      AND renewal_reminded_at IS NULL;
