-- Failed sign-ins, one row each, so they decay: only those within the window count, and older
-- rows are purged. Keyed by the name typed (existing or not) and the client address, so a
-- guesser waits at their own address while the employee signs in from theirs. The addresses
-- are kept for the window only (an hour by default), for this purpose only.
DROP TABLE login_failures;

CREATE TABLE login_failures (
    id        bigserial PRIMARY KEY,
    username  text NOT NULL,
    client    text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_pair ON login_failures (username, client, at);
CREATE INDEX login_failures_client ON login_failures (client, at);
CREATE INDEX login_failures_at ON login_failures (at);
