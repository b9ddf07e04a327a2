-- Erasing a candidate deletes its placement checks and profile, and both cascade to
-- client_exports: without these indexes every cascade is a sequential scan of the register.
CREATE INDEX client_exports_candidate ON client_exports (candidate_id);
CREATE INDEX client_exports_check ON client_exports (check_id);
