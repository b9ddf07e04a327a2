-- The rate limit keeps one counter per client address (a keyed hash) and window instead of a
-- row per attempt, so a registration counts its attempt in one statement, not five.
DROP TABLE registration_attempts;
CREATE TABLE registration_attempts (
    client_hash   text PRIMARY KEY,
    window_start  timestamptz NOT NULL DEFAULT now(),
    attempts      integer NOT NULL DEFAULT 1
);
CREATE INDEX registration_attempts_window ON registration_attempts (window_start);

-- Staged files are sealed, so incompressible: keep them out of line without trying.
ALTER TABLE registration_files ALTER COLUMN sealed SET STORAGE EXTERNAL;
