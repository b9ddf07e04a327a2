-- The keyed hashes a subject gave before a correction replaced them (an email or phone the
-- person no longer uses). Kept so that forget-me and unsubscribe suppress them too, and so that
-- an erasure asked by a former address still finds the person; deleted with the subject index
-- on erasure (the hashes then live on only in the suppression list).
CREATE TABLE subject_former_hashes (
    subject      text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('email', 'phone')),
    hash         text NOT NULL,
    replaced_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, hash)
);
CREATE INDEX subject_former_hashes_hash ON subject_former_hashes (hash);
