-- Employees who sign in, their server-side sessions, failed sign-ins, and the audit trail.

CREATE TABLE users (
    id             text PRIMARY KEY,
    username       text NOT NULL UNIQUE,
    role           text NOT NULL CHECK (role IN ('recruiter', 'privacy_officer', 'admin')),
    password_hash  text NOT NULL,
    disabled       boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    password_set_at timestamptz NOT NULL DEFAULT now()
);

-- Only a hash of the session token is stored: a database dump does not hand out sessions.
CREATE TABLE sessions (
    token_hash  text PRIMARY KEY,
    user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Keyed by the name typed, whether or not such a user exists, so lockout reveals nothing.
CREATE TABLE login_failures (
    username      text PRIMARY KEY,
    failures      integer NOT NULL DEFAULT 0,
    last_failure  timestamptz NOT NULL DEFAULT now(),
    locked_until  timestamptz
);

-- Who read which subject's data, when: ids only, never the data itself.
CREATE TABLE audit (
    event_id   uuid PRIMARY KEY,
    at         timestamptz NOT NULL,
    source     text NOT NULL,
    actor      text NOT NULL,
    role       text NOT NULL,
    action     text NOT NULL,
    resource   text NOT NULL,
    subject    text
);
CREATE INDEX audit_subject ON audit (subject, at DESC);
CREATE INDEX audit_actor ON audit (actor, at DESC);
