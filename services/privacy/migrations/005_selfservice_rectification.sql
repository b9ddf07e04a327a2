-- Self-service: what the person typed that must outlive the verification step, sealed under a
-- key derived from the master key and bound to the request id (never plaintext). The address
-- is there only for the completion mail and is deleted in the transaction that sends it
-- (see notify.py); the corrections only until they are re-sealed with the subject's key.
CREATE TABLE selfservice_sealed (
    request_id     uuid PRIMARY KEY REFERENCES requests(id),
    address        bytea NOT NULL,
    changes        bytea,
    mail_attempts  int NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- The link in an access request's completion mail: a keyed hash of its token, nothing more.
ALTER TABLE exports ADD COLUMN download_hash text;
