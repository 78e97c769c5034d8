-- Orleans membership (Microsoft.Orleans.Clustering.AdoNet 10.4.2, invariant "Npgsql").
--
-- Contract, as the 10.4.2 provider calls it (parameters it binds -> columns it reads):
--   InsertMembershipVersionKey      DeploymentId -> one value, >0 if a row was inserted
--   InsertMembershipKey             DeploymentId, Address, Port, Generation, SiloName, HostName, Status,
--                                   ProxyPort, StartTime, IAmAliveTime, Version -> one value, >0 on success
--   UpdateMembershipKey             DeploymentId, Address, Port, Generation, Status, SuspectTimes,
--                                   IAmAliveTime, Version -> one value, >0 on success
--   UpdateIAmAlivetimeKey           DeploymentId, Address, Port, Generation, IAmAliveTime
--   MembershipReadRowKey            DeploymentId, Address, Port, Generation -> membership columns + Version
--   MembershipReadAllKey            DeploymentId -> membership columns + Version
--   DeleteMembershipTableEntriesKey DeploymentId
--   GatewaysQueryKey                DeploymentId, Status -> Address, ProxyPort, Generation
--   CleanupDefunctSiloEntriesKey    DeploymentId, IAmAliveTime (required at start-up)
-- The optional CleanupDefunctSiloEntryKey is deliberately absent: 10.4.2 binds its StartTime and
-- IAmAliveTime as DbType.DateTime, which Npgsql sends as 'timestamp without time zone' and refuses
-- for the UTC values the provider holds. Without it the provider runs CleanupDefunctSiloEntriesKey.
-- The 10.4.2 provider binds no MetadataJson and no SuspectTimes on insert, so the queries use none:
-- a query naming a parameter the provider does not bind fails at run time.
--
-- The version row is the optimistic-concurrency token of the whole table: a write succeeds only if
-- it moves the version from the value the silo read. Conditional writes run inside a PL/pgSQL block
-- with an exception handler so a half-done write is rolled back as a whole (the reference script
-- uses ASSERT for that, which a server with plpgsql.check_asserts=off would silently skip).

CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL,
    Timestamp timestamptz(3) NOT NULL DEFAULT now(),
    Version integer NOT NULL DEFAULT 0,

    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL,
    Address varchar(45) NOT NULL,
    Port integer NOT NULL,
    Generation integer NOT NULL,
    SiloName varchar(150) NOT NULL,
    HostName varchar(150) NOT NULL,
    Status integer NOT NULL,
    ProxyPort integer NULL,
    SuspectTimes varchar(8000) NULL,
    StartTime timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,

    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

CREATE OR REPLACE FUNCTION orleans_insert_membership(
    DeploymentIdArg varchar,
    AddressArg      varchar,
    PortArg         integer,
    GenerationArg   integer,
    SiloNameArg     varchar,
    HostNameArg     varchar,
    StatusArg       integer,
    ProxyPortArg    integer,
    StartTimeArg    timestamptz,
    IAmAliveTimeArg timestamptz,
    VersionArg      integer)
  RETURNS TABLE(row_count integer)
  LANGUAGE plpgsql AS
$fn$
DECLARE
    affected integer;
BEGIN
    BEGIN
        -- Lock and move the table version first: a concurrent writer waits here, then finds the
        -- version moved and fails, as the membership protocol expects.
        UPDATE OrleansMembershipVersionTable
        SET Timestamp = now(), Version = Version + 1
        WHERE DeploymentId = DeploymentIdArg AND Version = VersionArg;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RAISE EXCEPTION 'membership version moved' USING ERRCODE = 'OM001';
        END IF;

        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
        VALUES
            (DeploymentIdArg, AddressArg, PortArg, GenerationArg, SiloNameArg, HostNameArg, StatusArg, ProxyPortArg, StartTimeArg, IAmAliveTimeArg)
        ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RAISE EXCEPTION 'membership row exists' USING ERRCODE = 'OM001';
        END IF;

        RETURN QUERY SELECT 1;
    EXCEPTION WHEN SQLSTATE 'OM001' THEN
        -- Leaving the block through the handler undoes the version move.
        RETURN QUERY SELECT 0;
    END;
END
$fn$;

CREATE OR REPLACE FUNCTION orleans_update_membership(
    DeploymentIdArg varchar,
    AddressArg      varchar,
    PortArg         integer,
    GenerationArg   integer,
    StatusArg       integer,
    SuspectTimesArg varchar,
    IAmAliveTimeArg timestamptz,
    VersionArg      integer)
  RETURNS TABLE(row_count integer)
  LANGUAGE plpgsql AS
$fn$
DECLARE
    affected integer;
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
        SET Timestamp = now(), Version = Version + 1
        WHERE DeploymentId = DeploymentIdArg AND Version = VersionArg;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RAISE EXCEPTION 'membership version moved' USING ERRCODE = 'OM001';
        END IF;

        UPDATE OrleansMembershipTable
        SET Status = StatusArg, SuspectTimes = SuspectTimesArg, IAmAliveTime = IAmAliveTimeArg
        WHERE DeploymentId = DeploymentIdArg AND Address = AddressArg
            AND Port = PortArg AND Generation = GenerationArg;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RAISE EXCEPTION 'membership row missing' USING ERRCODE = 'OM001';
        END IF;

        RETURN QUERY SELECT 1;
    EXCEPTION WHEN SQLSTATE 'OM001' THEN
        RETURN QUERY SELECT 0;
    END;
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', $q$
    WITH inserted AS (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId)
        VALUES (@DeploymentId)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer FROM inserted;
$q$),
('InsertMembershipKey', $q$
    SELECT row_count FROM orleans_insert_membership(
        @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
$q$),
('UpdateMembershipKey', $q$
    SELECT row_count FROM orleans_update_membership(
        @DeploymentId, @Address, @Port, @Generation, @Status,
        @SuspectTimes::varchar, @IAmAliveTime, @Version);
$q$),
('UpdateIAmAlivetimeKey', $q$
    -- Orleans expects this never to fail and does not read a result.
    UPDATE OrleansMembershipTable
    SET IAmAliveTime = @IAmAliveTime
    WHERE DeploymentId = @DeploymentId AND Address = @Address
        AND Port = @Port AND Generation = @Generation;
$q$),
('MembershipReadRowKey', $q$
    SELECT
        v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status,
        m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
        -- The outer join returns the version even when the silo has no row yet.
        LEFT OUTER JOIN OrleansMembershipTable m
            ON v.DeploymentId = m.DeploymentId
            AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
    WHERE v.DeploymentId = @DeploymentId;
$q$),
('MembershipReadAllKey', $q$
    SELECT
        v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status,
        m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
        LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
    WHERE v.DeploymentId = @DeploymentId;
$q$),
('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$),
('GatewaysQueryKey', $q$
    SELECT Address, ProxyPort, Generation
    FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
$q$),
-- Removes only Dead (6) rows that stopped heart-beating before the cut-off, never a live silo's row.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId
        AND Status = 6
        AND IAmAliveTime < @IAmAliveTime
        AND StartTime < @IAmAliveTime;
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
