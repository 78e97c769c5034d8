-- Orleans grain state (Microsoft.Orleans.Persistence.AdoNet 10.4.2, invariant "Npgsql").
--
-- Contract, as the 10.4.2 provider calls it: every key binds GrainIdHash, GrainIdN0, GrainIdN1,
-- GrainTypeHash, GrainTypeString, GrainIdExtensionString (null for non-string keys) and ServiceId;
--   ReadFromStorageKey   -> PayloadBinary, Version (no row: the grain starts from default state)
--   WriteToStorageKey    + GrainStateVersion (null: never stored), PayloadBinary -> NewGrainStateVersion
--   ClearStorageKey      + GrainStateVersion -> the new version (first column)
--   DeleteStorageKey     + GrainStateVersion -> a value other than the old version (DeleteStateOnClear)
-- A write that returns the version it was given (or nothing) is an optimistic-concurrency conflict:
-- the provider throws InconsistentStateException. 10.4.2 binds only PayloadBinary (the configured
-- serializer's bytes), so there are no JSON/XML payload columns.

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash integer NOT NULL,
    GrainIdN0 bigint NOT NULL,
    GrainIdN1 bigint NOT NULL,
    GrainTypeHash integer NOT NULL,
    GrainTypeString varchar(512) NOT NULL,
    GrainIdExtensionString varchar(1024) NULL,
    ServiceId varchar(150) NOT NULL,
    PayloadBinary bytea NULL,
    ModifiedOn timestamptz NOT NULL,
    Version integer NULL
);

-- One row per grain, enforced (the reference script only checks NOT EXISTS, which two concurrent
-- first writes both pass). NULLS NOT DISTINCT (PostgreSQL 15) makes grains without a string key
-- collide too. The hashes lead, so the index also serves every lookup.
CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Grain
    ON OrleansStorage (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, ServiceId, GrainTypeString, GrainIdExtensionString)
    NULLS NOT DISTINCT;

CREATE OR REPLACE FUNCTION orleans_write_to_storage(
    GrainIdHashArg integer,
    GrainIdN0Arg bigint,
    GrainIdN1Arg bigint,
    GrainTypeHashArg integer,
    GrainTypeStringArg varchar,
    GrainIdExtensionStringArg varchar,
    ServiceIdArg varchar,
    GrainStateVersionArg integer,
    PayloadBinaryArg bytea)
  RETURNS TABLE(NewGrainStateVersion integer)
  LANGUAGE plpgsql AS
$fn$
DECLARE
    affected integer;
BEGIN
    IF GrainStateVersionArg IS NOT NULL THEN
        -- The grain read a version: update only if nobody wrote since.
        UPDATE OrleansStorage
        SET PayloadBinary = PayloadBinaryArg, ModifiedOn = now(), Version = Version + 1
        WHERE GrainIdHash = GrainIdHashArg AND GrainTypeHash = GrainTypeHashArg
            AND GrainIdN0 = GrainIdN0Arg AND GrainIdN1 = GrainIdN1Arg
            AND ServiceId = ServiceIdArg AND GrainTypeString = GrainTypeStringArg
            AND GrainIdExtensionString IS NOT DISTINCT FROM GrainIdExtensionStringArg
            AND Version = GrainStateVersionArg;
        GET DIAGNOSTICS affected = ROW_COUNT;
        -- Unchanged version back = conflict.
        RETURN QUERY SELECT CASE WHEN affected > 0 THEN GrainStateVersionArg + 1 ELSE GrainStateVersionArg END;
    ELSE
        -- Never stored (as far as the grain knows): only the first insert wins.
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
             ServiceId, PayloadBinary, ModifiedOn, Version)
        VALUES
            (GrainIdHashArg, GrainIdN0Arg, GrainIdN1Arg, GrainTypeHashArg, GrainTypeStringArg, GrainIdExtensionStringArg,
             ServiceIdArg, PayloadBinaryArg, now(), 1)
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS affected = ROW_COUNT;
        RETURN QUERY SELECT CASE WHEN affected > 0 THEN 1 ELSE NULL::integer END;
    END IF;
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $q$
    SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
        AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::varchar;
$q$),
('WriteToStorageKey', $q$
    SELECT NewGrainStateVersion FROM orleans_write_to_storage(
        @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
        @GrainIdExtensionString::varchar, @ServiceId, @GrainStateVersion::integer, @PayloadBinary);
$q$),
('ClearStorageKey', $q$
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
        AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::varchar
        AND Version = @GrainStateVersion::integer
    RETURNING Version AS NewGrainStateVersion;
$q$),
('DeleteStorageKey', $q$
    DELETE FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
        AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::varchar
        AND Version = @GrainStateVersion::integer
    RETURNING Version + 1 AS NewGrainStateVersion;
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
