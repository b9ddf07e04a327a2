-- Every access request leaves an exports row for good (the ledger), nearly all of them deleted
-- long ago, and housekeeping reads the table each round. The sweep of recently deleted exports
-- reads a narrow range of deleted_at: an index on the deleted rows only. The expired and
-- stopped exports are among the few not deleted: an index on those rows only.
CREATE INDEX exports_deleted_at ON exports (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX exports_live ON exports (expires_at) WHERE deleted_at IS NULL;
