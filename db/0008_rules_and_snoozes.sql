-- Rules as data and noise control (issue 4). Rules reuse config_documents (0005): kind 'rule', body = the
-- rule document, one row per version. What the alert outbox needs beyond 0006:

-- An alert fired while its account was snoozed is recorded with status 'snoozed' and never claimed for
-- delivery (the claim only takes 'pending' and 'retrying'). 0005 declared the check inline, so it has
-- PostgreSQL's default name.
ALTER TABLE alert_outbox DROP CONSTRAINT IF EXISTS alert_outbox_status_check;
ALTER TABLE alert_outbox ADD CONSTRAINT alert_outbox_status_check
    CHECK (status IN ('pending', 'retrying', 'sent', 'failed', 'dev_inbox', 'snoozed'));

-- GET /ops/alerts filters by rule and by owner; both are also in the payload, but a column keeps the filter
-- a plain comparison. Null for rows written before this migration (their rule is their signal).
ALTER TABLE alert_outbox ADD COLUMN IF NOT EXISTS rule_id text NULL;
ALTER TABLE alert_outbox ADD COLUMN IF NOT EXISTS owner text NULL;

-- An owner's alerts, newest first (the account index 0005 made serves the per-account view).
CREATE INDEX IF NOT EXISTS alert_outbox_owner
    ON alert_outbox (workspace, owner, created_at DESC)
    WHERE owner IS NOT NULL;
