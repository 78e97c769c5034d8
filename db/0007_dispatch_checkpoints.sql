-- Durable dispatch checkpoints (see db/README.md and EventDispatcher): per host, the log position through
-- which every event that host appended is reflected in persisted grain state. On start-up a host replays
-- its own events after it (event_log.ingested_by = origin AND position > checkpoint), so work acknowledged
-- but not yet applied when it died reaches its grains. Written only forward (GREATEST on conflict).
CREATE TABLE IF NOT EXISTS dispatch_checkpoints (
    origin      text        PRIMARY KEY,
    position    bigint      NOT NULL CHECK (position >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
