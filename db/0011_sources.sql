-- Sources and keys (issue 6): ingestion sources created through the ops API. Sources configured in
-- IngestLayer:Sources live in configuration, not here. Write keys are never stored: only their SHA-256 digest
-- (lowercase hex) and first characters. Every host reads the whole table every few seconds into its key map.
CREATE TABLE IF NOT EXISTS sources
(
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace                text NOT NULL,
    name                     text NOT NULL,
    key_digest               text NOT NULL,
    key_prefix               text NOT NULL,
    created_at               timestamptz NOT NULL,
    rotated_at               timestamptz NULL,
    -- The key before the last rotation and the end of its grace period (one previous key at most).
    previous_key_digest      text NULL,
    previous_key_valid_until timestamptz NULL,
    revoked_at               timestamptz NULL,

    CHECK ((previous_key_digest IS NULL) = (previous_key_valid_until IS NULL))
);

-- One live source per name and workspace; a revoked source keeps its row (for the record) and frees its name.
-- The ops API's create is INSERT ... ON CONFLICT DO NOTHING on this index, so two hosts cannot both create one.
CREATE UNIQUE INDEX IF NOT EXISTS sources_live_name
    ON sources (workspace, name)
    WHERE revoked_at IS NULL;

-- A key identifies exactly one source.
CREATE UNIQUE INDEX IF NOT EXISTS sources_key_digest
    ON sources (key_digest);
