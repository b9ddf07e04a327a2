-- The latest heartbeat of every service instance, and the alerts raised from them (so each
-- is raised once, and again only if it still holds an hour later).
CREATE TABLE service_heartbeats (
    service         text NOT NULL,
    instance        text NOT NULL,
    seen_at         timestamptz NOT NULL,
    outbox_backlog  integer NOT NULL DEFAULT 0,
    consumer_lag    integer NOT NULL DEFAULT 0,
    dead_letters    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (service, instance)
);

CREATE TABLE raised_alerts (
    key        text PRIMARY KEY,
    raised_at  timestamptz NOT NULL DEFAULT now()
);
