-- Besides the rejection notice, a registration that is accepted or waits for review is
-- acknowledged by mail (the register page promises "we laten het je weten"). The same queue:
-- the address and first name only until the mail is out, deleted with it (and by an erasure).
ALTER TABLE rejection_notices
    ADD COLUMN kind text NOT NULL DEFAULT 'rejected'
        CHECK (kind IN ('rejected', 'accepted', 'in_review')),
    ADD COLUMN reference uuid;  -- the registration's id, the reference its page showed
