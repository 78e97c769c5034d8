-- The Slack app installed per workspace (issue 7, install): OAuth v2 installations with their tokens encrypted
-- by ASP.NET Core Data Protection, the install flow's used state nonces, and the Data Protection key ring
-- itself, shared by every host of the cluster so each can decrypt what another stored.

-- One installation per IngestLayer workspace; a reinstall replaces the row (a new installation_id).
-- bot_token and refresh_token hold Data Protection ciphertext, never a token in clear.
CREATE TABLE IF NOT EXISTS slack_installations
(
    workspace          text        NOT NULL PRIMARY KEY,
    installation_id    uuid        NOT NULL,
    team_id            text        NOT NULL,
    team_name          text        NOT NULL,
    app_id             text        NULL,
    bot_user_id        text        NULL,
    scopes             text        NOT NULL,
    bot_token          text        NOT NULL,
    refresh_token      text        NULL,
    token_expires_at   timestamptz NULL,
    -- Bumped by each token rotation: a rotation applies only over the version it refreshed (optimistic, across hosts).
    token_version      integer     NOT NULL DEFAULT 0,
    installed_at       timestamptz NOT NULL,
    active             boolean     NOT NULL DEFAULT true,
    deactivated_at     timestamptz NULL,
    deactivated_reason text        NULL
);

-- A state nonce is inserted when its callback arrives; the primary key makes a second use fail on any host.
-- Rows are useless once the state has expired and are deleted then.
CREATE TABLE IF NOT EXISTS slack_install_states
(
    nonce      text        NOT NULL PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

-- The Data Protection key ring (IXmlRepository): one XML element per key, never updated, only added.
CREATE TABLE IF NOT EXISTS data_protection_keys
(
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name text        NOT NULL UNIQUE,
    xml           text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
