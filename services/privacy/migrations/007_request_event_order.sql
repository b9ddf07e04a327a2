-- A request's transitions made in one transaction share their time (now()): the insert order
-- decides between them, so "received" always comes before "in_progress" in the history.
ALTER TABLE request_events ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
