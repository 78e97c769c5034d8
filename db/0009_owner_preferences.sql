-- Daily digest per owner (issue 4, noise control): owners' delivery preferences, the alerts held for their
-- digest, and one row per (workspace, owner, local day) digest.

-- Per workspace and owner (the owner as alerts name it, alert_outbox.owner). No row: live alerts.
CREATE TABLE IF NOT EXISTS owner_preferences
(
    workspace   text NOT NULL,
    owner       text NOT NULL,
    mode        text NOT NULL CHECK (mode IN ('live', 'daily_digest')),
    -- Wall-clock time in time_zone (an IANA id, validated by the ops API), so the digest follows DST.
    digest_time time NOT NULL,
    time_zone   text NOT NULL,
    channel     text NULL,
    updated_at  timestamptz NOT NULL,

    PRIMARY KEY (workspace, owner)
);

-- An alert of an owner in daily_digest mode is held at claim time and never claimed again (the claim only
-- takes 'pending' and 'retrying'); once in a digest that was posted it is 'digested'.
ALTER TABLE alert_outbox DROP CONSTRAINT IF EXISTS alert_outbox_status_check;
ALTER TABLE alert_outbox ADD CONSTRAINT alert_outbox_status_check
    CHECK (status IN ('pending', 'retrying', 'sent', 'failed', 'dev_inbox', 'snoozed', 'held_for_digest', 'digested'));

-- When the alert was held (a digest covers alerts held before its due time) and the local day of the digest
-- it was bound to (with workspace and owner, the owner_digests key). Nullable, no default: catalog changes.
ALTER TABLE alert_outbox ADD COLUMN IF NOT EXISTS held_at timestamptz NULL;
ALTER TABLE alert_outbox ADD COLUMN IF NOT EXISTS digest_date date NULL;

-- The scheduler's scan (owners with held alerts in no digest) and a digest's alerts. Partial: held alerts
-- are few and short-lived next to the rest.
CREATE INDEX IF NOT EXISTS alert_outbox_held
    ON alert_outbox (workspace, owner, digest_date)
    WHERE status = 'held_for_digest';

-- One digest per owner and local day: the primary key is what makes two hosts (or a restarted one) open it
-- once (INSERT ... ON CONFLICT DO NOTHING). Claimed and retried like an outbox row, with a lease.
CREATE TABLE IF NOT EXISTS owner_digests
(
    workspace       text NOT NULL,
    owner           text NOT NULL,
    local_date      date NOT NULL,
    due_at          timestamptz NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'retrying', 'sent', 'failed', 'dev_inbox')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz NULL,
    channel         text NULL,
    slack_ts        text NULL,
    last_error      text NULL,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz NULL,

    PRIMARY KEY (workspace, owner, local_date)
);

CREATE INDEX IF NOT EXISTS owner_digests_due
    ON owner_digests (next_attempt_at)
    WHERE status IN ('pending', 'retrying');
