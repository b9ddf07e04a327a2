-- An alert's mail is claimed (in its own committed transaction) before it is sent, and marked
-- sent after: a gateway that dies in between leaves a claim, which holds off every other
-- round until it lapses (alerts.mail_round).
ALTER TABLE alerts ADD COLUMN mail_claimed_until timestamptz;
