-- Conversations, not pings (issue 7): the day's first alert message per account and channel, so follow-up alerts of
-- that day are posted into its thread (thread_ts). One row per (workspace, account, channel): a new day replaces it.
CREATE TABLE IF NOT EXISTS slack_threads
(
    workspace  text NOT NULL,
    account_id text NOT NULL,
    -- The channel as the alert names it (#name or an id): the key the delivery worker looks up by.
    channel    text NOT NULL,
    -- The UTC day the thread belongs to.
    day        date NOT NULL,
    -- Slack's channel id and the ts of the thread's first message (replies go to this pair).
    channel_id text NOT NULL,
    ts         text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),

    PRIMARY KEY (workspace, account_id, channel)
);
