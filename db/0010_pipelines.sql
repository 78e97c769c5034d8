-- Pipelines (issue 5). Pipelines are config_documents rows of kind 'pipeline' (0005 allowed it already); named
-- lists their filters use (list("ada-book")) are rows of kind 'list', one version per upload.
ALTER TABLE config_documents DROP CONSTRAINT IF EXISTS config_documents_kind_check;
ALTER TABLE config_documents ADD CONSTRAINT config_documents_kind_check
    CHECK (kind IN ('rule', 'pipeline', 'list'));

-- A pipeline's deliveries share the alert outbox with rule alerts: 'slack' rows are claimed by the Slack
-- delivery worker, 'webhook' rows by the webhook one. A default, so existing rows (all Slack) need no rewrite.
ALTER TABLE alert_outbox ADD COLUMN IF NOT EXISTS destination text NOT NULL DEFAULT 'slack';

-- The claim of one worker reads only its own destination's due rows.
DROP INDEX IF EXISTS alert_outbox_due;
CREATE INDEX IF NOT EXISTS alert_outbox_due_by_destination
    ON alert_outbox (destination, status, next_attempt_at)
    WHERE status IN ('pending', 'retrying');

-- GET /ops/pipelines/{id}: delivered and failed counts and the last errors of one pipeline (its rule_id).
CREATE INDEX IF NOT EXISTS alert_outbox_rule
    ON alert_outbox (workspace, rule_id, created_at DESC)
    WHERE rule_id IS NOT NULL;
