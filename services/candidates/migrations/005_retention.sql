-- Retention: the last activity per candidate, the consent-renewal cycle, single-use links.
ALTER TABLE candidates
    ADD COLUMN last_activity_at     timestamptz,
    ADD COLUMN renewal_started_at   timestamptz,  -- the grace period runs from here
    ADD COLUMN renewal_mailed_at    timestamptz,  -- null: not mailed (unsubscribed, suppressed)
    ADD COLUMN retention_closed_at  timestamptz,  -- erasure asked of privacy: the cycle is over
    ADD COLUMN retention_outcome    text CHECK (retention_outcome IN ('lapsed', 'forget_asked'));

-- Existing profiles: their latest known change is their latest activity.
UPDATE candidates SET last_activity_at = greatest(created_at, updated_at);
ALTER TABLE candidates
    ALTER COLUMN last_activity_at SET NOT NULL,
    ALTER COLUMN last_activity_at SET DEFAULT now();

-- What the sweep asks: who is due for a renewal mail, whose grace period is over.
CREATE INDEX candidates_renewal_due ON candidates (last_activity_at)
    WHERE retention_closed_at IS NULL AND renewal_started_at IS NULL;
CREATE INDEX candidates_renewal_running ON candidates (renewal_started_at)
    WHERE retention_closed_at IS NULL AND renewal_started_at IS NOT NULL;

-- Renewal links: only a hash of the token is kept, so a database dump renews nobody.
CREATE TABLE renewal_tokens (
    token_hash    text PRIMARY KEY,
    candidate_id  text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    used_for      text CHECK (used_for IN ('renew', 'forget'))
);
CREATE INDEX renewal_tokens_candidate ON renewal_tokens (candidate_id);
