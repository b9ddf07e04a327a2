-- A self-service correction of the email address is confirmed twice: the code mailed to the
-- address the person asked from (as every request), then one mailed to the new address. Which
-- address the current code went to: 'address' (the one asked from) or 'new_address'.
ALTER TABLE requests ADD COLUMN code_sent_to text NOT NULL DEFAULT 'address'
    CHECK (code_sent_to IN ('address', 'new_address'));
