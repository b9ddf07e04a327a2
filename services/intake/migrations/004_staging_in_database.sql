-- Staged files move from an S3 bucket into the registration's own rows (services/intake/
-- staging.py): sealed under the registration's key, which is stored wrapped with STAGING_KEY.
-- A registration in progress while this runs loses its staged files: documents refuses them
-- and the registration is handed off without them (pre-release: none are expected).
ALTER TABLE registration_files ADD COLUMN sealed bytea;
UPDATE registration_files SET sealed = '' WHERE sealed IS NULL;
ALTER TABLE registration_files ALTER COLUMN sealed SET NOT NULL;
ALTER TABLE registration_files DROP COLUMN object_name;
COMMENT ON COLUMN registrations.file_key IS 'the files'' key, wrapped with STAGING_KEY';
