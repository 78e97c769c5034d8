-- Columns the PostgreSQL storage implementations need beyond 0005. See db/README.md.

-- The host instance that appended each event (PostgresOptions.HostInstanceId). A host that died after
-- acknowledging events but before dispatching them to grains finds them again by its own id:
--   SELECT ... FROM event_log WHERE ingested_by = $1 AND position > $2 ORDER BY position LIMIT $3
-- Nullable without a default, so adding it to a large log is a catalog change, not a table rewrite.
ALTER TABLE event_log ADD COLUMN IF NOT EXISTS ingested_by text NULL;

CREATE INDEX IF NOT EXISTS event_log_ingested_by_position
    ON event_log (ingested_by, position)
    WHERE ingested_by IS NOT NULL;

-- Delivery details the ops API shows: Slack's message timestamp once sent, and the operator hint that
-- goes with last_error (what to do about a permanent failure).
ALTER TABLE alert_outbox ADD COLUMN IF NOT EXISTS slack_ts text NULL;
ALTER TABLE alert_outbox ADD COLUMN IF NOT EXISTS hint text NULL;
