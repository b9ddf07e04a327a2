-- Whether a registering person was on the suppression list is privacy's to judge (it lifts
-- the suppression when it reads the accepted registration); intake no longer asks on the
-- request path.
ALTER TABLE registrations DROP COLUMN suppressed;
