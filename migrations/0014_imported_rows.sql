-- Rows written by `amity import` (see src/commands/import), under a key of the record each row makes:
-- a row whose key is here was written before and is skipped, so importing a file again, or one that
-- overlaps it (a later export, the same sheet with rows added), writes nothing twice.
CREATE TABLE imported_rows (
    -- SHA-256 (first 16 bytes) of the record the row makes, without its id, its source file or the
    -- rates it was valued at.
    key BLOB NOT NULL,
    -- The how-manieth row of one import making that same record (1, 2, …): two identical shipments
    -- on one day are two rows, and stay two.
    occurrence INTEGER NOT NULL,
    record_kind TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    file TEXT NOT NULL,
    row INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (key, occurrence)
) WITHOUT ROWID;
