-- Signed webhook ingress (issue 6). Webhook sources are config_documents rows of kind 'webhook_source', one per
-- version, like rules and pipelines.
--
-- The kind check is widened in place rather than re-declared with a full list: another migration of the same
-- release may add kinds of its own, and a fixed list here would silently drop them again.
DO $$
DECLARE
    definition text;
BEGIN
    SELECT pg_get_constraintdef(c.oid) INTO definition
    FROM pg_constraint c
    WHERE c.conrelid = 'config_documents'::regclass AND c.conname = 'config_documents_kind_check';

    IF definition IS NULL THEN
        ALTER TABLE config_documents ADD CONSTRAINT config_documents_kind_check
            CHECK (kind IN ('rule', 'pipeline', 'list', 'webhook_source'));
    ELSIF position('''webhook_source''' IN definition) = 0 THEN
        ALTER TABLE config_documents DROP CONSTRAINT config_documents_kind_check;
        EXECUTE 'ALTER TABLE config_documents ADD CONSTRAINT config_documents_kind_check '
            || replace(definition, 'ARRAY[', 'ARRAY[''webhook_source''::text, ');
    END IF;
END
$$;

-- POST /v1/webhooks/{id} names only the source: look it up by id across workspaces. Unique, so no two workspaces
-- can ever hold the same source id (ids are random, so this only guards against the impossible).
CREATE UNIQUE INDEX IF NOT EXISTS config_documents_webhook_source_id
    ON config_documents (id, version)
    WHERE kind = 'webhook_source';
