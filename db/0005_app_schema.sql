-- The application's own tables: the event log (source of truth and warehouse), the book of business,
-- versioned rules and pipelines, and the alert outbox. See db/README.md for the access paths.

-- Every accepted event, stored whole, in one global order.
-- Not partitioned: a unique index on a partitioned table must contain the partition key, so
-- partitioning by received_at would turn the dedupe key into (workspace, source, message_id,
-- received_at) and a retry arriving in another month would be stored twice. See db/README.md.
CREATE TABLE IF NOT EXISTS event_log
(
    -- The log position: assigned on insert, the order grains replay in and snapshot against.
    position     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace    text NOT NULL,
    source       text NOT NULL,
    message_id   text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('track', 'identify', 'group', 'page', 'screen', 'alias')),
    event        text NOT NULL,
    user_id      text NULL,
    anonymous_id text NULL,
    account_id   text NULL,
    previous_id  text NULL,
    event_time   timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    feature      text NULL,
    count        integer NOT NULL DEFAULT 1 CHECK (count >= 0),
    plan         text NULL,
    properties   jsonb NOT NULL DEFAULT '{}'::jsonb,
    traits       jsonb NULL,

    -- Dedupe: a repeated message id from the same source is stored once (INSERT ... ON CONFLICT DO NOTHING).
    CONSTRAINT event_log_message UNIQUE (workspace, source, message_id)
);

-- Per-account replay after a snapshot position, and warehouse scans of one account in log order.
CREATE INDEX IF NOT EXISTS event_log_account_position
    ON event_log (workspace, account_id, position)
    WHERE account_id IS NOT NULL;

-- Per-user replay (events without an account resolve through the user grain).
CREATE INDEX IF NOT EXISTS event_log_user_position
    ON event_log (workspace, user_id, position)
    WHERE user_id IS NOT NULL;

CREATE INDEX IF NOT EXISTS event_log_anonymous_position
    ON event_log (workspace, anonymous_id, position)
    WHERE user_id IS NULL AND anonymous_id IS NOT NULL;

-- Time-range warehouse queries: rows arrive roughly in received_at order, so a BRIN index is tiny
-- and prunes well without slowing appends.
CREATE INDEX IF NOT EXISTS event_log_received_at_brin
    ON event_log USING brin (received_at);

-- The book of business: who owns an account and where its alerts go.
CREATE TABLE IF NOT EXISTS owners
(
    workspace     text NOT NULL,
    account_id    text NOT NULL,
    owner         text NOT NULL,
    slack_channel text NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),

    PRIMARY KEY (workspace, account_id)
);

CREATE INDEX IF NOT EXISTS owners_by_owner ON owners (workspace, owner);

-- Rules and pipelines as data, versioned: every change is a new row, the highest version is current,
-- and a deletion is a new version with deleted = true (so history and audit stay).
CREATE TABLE IF NOT EXISTS config_documents
(
    workspace  text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('rule', 'pipeline')),
    id         text NOT NULL,
    version    integer NOT NULL CHECK (version > 0),
    body       jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted    boolean NOT NULL DEFAULT false,

    -- Two writers saving version n+1 of the same document: one wins, the other gets a unique violation.
    PRIMARY KEY (workspace, kind, id, version)
);

-- The current version of every live document (what hosts load). Deleted documents are dropped
-- after picking the latest version, not before, or an older version would resurface.
CREATE OR REPLACE VIEW config_documents_current AS
SELECT c.workspace, c.kind, c.id, c.version, c.body, c.updated_at
FROM (
    SELECT DISTINCT ON (workspace, kind, id) *
    FROM config_documents
    ORDER BY workspace, kind, id, version DESC
) c
WHERE NOT c.deleted;

-- Alerts on their way out. The id is the deterministic dedupe key (account, signal, window), so
-- re-applying events after a crash inserts nothing new (INSERT ... ON CONFLICT (id) DO NOTHING).
CREATE TABLE IF NOT EXISTS alert_outbox
(
    id              text PRIMARY KEY,
    workspace       text NOT NULL,
    account_id      text NOT NULL,
    signal          text NOT NULL,
    channel         text NULL,
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'retrying', 'sent', 'failed', 'dev_inbox')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- A worker that claimed the row holds it until then; a crashed worker's lease simply runs out.
    lease_until     timestamptz NULL,
    last_error      text NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz NULL
);

-- Claim: WHERE status IN ('pending','retrying') AND next_attempt_at <= now() AND (lease_until IS NULL
-- OR lease_until < now()) ORDER BY next_attempt_at FOR UPDATE SKIP LOCKED. Partial, so finished
-- alerts (the vast majority) never weigh on it.
CREATE INDEX IF NOT EXISTS alert_outbox_due
    ON alert_outbox (status, next_attempt_at)
    WHERE status IN ('pending', 'retrying');

-- The ops API: an account's alerts, newest first.
CREATE INDEX IF NOT EXISTS alert_outbox_account
    ON alert_outbox (workspace, account_id, created_at DESC);

-- Feature usage per workspace, account and UTC day ("usage aggregates cleanly by company"):
-- the key is the feature for feature.used events, else the event name.
CREATE OR REPLACE VIEW feature_usage_daily AS
SELECT
    workspace,
    account_id,
    (event_time AT TIME ZONE 'UTC')::date AS day,
    COALESCE(feature, event)              AS feature,
    count(*)::bigint                      AS events,
    sum(count)::bigint                    AS uses,
    count(DISTINCT COALESCE(user_id, 'anon:' || anonymous_id))::bigint AS distinct_users
FROM event_log
WHERE account_id IS NOT NULL AND kind IN ('track', 'page', 'screen')
GROUP BY workspace, account_id, (event_time AT TIME ZONE 'UTC')::date, COALESCE(feature, event);
