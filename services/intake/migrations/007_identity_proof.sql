-- A registration whose email is already known (a candidate, a registration in progress, a
-- suppressed person) proves nothing about who typed it. It waits here, 'unconfirmed', until
-- the address's owner follows the link mailed to that address; until then it changes nothing
-- and is handed to no one. Unconfirmed by `confirm_by`, it is deleted with its files.
ALTER TABLE registrations DROP CONSTRAINT registrations_status_check;
ALTER TABLE registrations ADD CONSTRAINT registrations_status_check
    CHECK (status IN ('unconfirmed', 'needs_review', 'accepted'));
-- Where the screening sent it, once confirmed: straight to the hand-off or to a recruiter.
ALTER TABLE registrations ADD COLUMN held_outcome text
    CHECK (held_outcome IN ('accepted', 'needs_review'));
-- SHA-256 of the mailed link's token (the token is 256 random bits: no dictionary to try).
ALTER TABLE registrations ADD COLUMN confirm_hash text;
ALTER TABLE registrations ADD COLUMN confirm_by timestamptz;
-- The owner of the address confirmed it: only then may the hand-off update a known person
-- or lift a suppression (the hand-off's `verified`).
ALTER TABLE registrations ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
ALTER TABLE registrations ADD CONSTRAINT registrations_unconfirmed_held
    CHECK (status <> 'unconfirmed' OR (held_outcome IS NOT NULL AND confirm_hash IS NOT NULL
                                       AND confirm_by IS NOT NULL));
CREATE INDEX registrations_unconfirmed ON registrations (confirm_by) WHERE status = 'unconfirmed';
CREATE INDEX registrations_phone ON registrations (phone_hash);
