-- Verification scans run as jobs. The identifiers the officer typed in are never stored:
-- only which kinds were given, the state, and the result (where a trace is, never the trace).
CREATE TABLE scan_jobs (
    id           uuid PRIMARY KEY,
    status       text NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'running', 'done', 'failed', 'interrupted')),
    request_id   uuid,                        -- the request it was started for, if any
    started_by   text NOT NULL,               -- the employee
    looks_for    text[] NOT NULL,             -- kinds given: email, phone, subject
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    -- The instance running the job touches this every second; a job whose instance stopped
    -- (restart, crash) goes stale and is reported interrupted.
    alive_at     timestamptz NOT NULL DEFAULT now(),
    progress     jsonb NOT NULL DEFAULT '{}',
    result       jsonb,
    error        text                         -- a kind of failure, no personal data
);
CREATE INDEX scan_jobs_open ON scan_jobs (alive_at) WHERE finished_at IS NULL;
CREATE INDEX scan_jobs_finished ON scan_jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX scan_jobs_created ON scan_jobs (created_at);
