-- Whose former hashes these are: a crm contact's corrections reach the subject index too, and an
-- erasure found by a former address must be filed as being about the right kind of person.
ALTER TABLE subject_former_hashes
    ADD COLUMN subject_kind text NOT NULL DEFAULT 'candidate'
        CHECK (subject_kind IN ('candidate', 'contact'));
