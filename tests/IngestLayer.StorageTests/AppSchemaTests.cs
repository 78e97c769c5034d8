using IngestLayer.Testing;
using Npgsql;

namespace IngestLayer.StorageTests;

public sealed class AppSchemaTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task feature_usage_daily_aggregates_events_per_account_day_and_feature()
    {
        // A workspace of this test's own: the class shares one database.
        const string ws = "usage";
        await Sql.ExecuteAsync(database.ConnectionString, $"""
            INSERT INTO event_log (workspace, source, message_id, kind, event, user_id, anonymous_id, account_id, event_time, feature, count)
            VALUES
              ('{ws}', 'web', 'm1', 'track', 'feature.used', 'u1', NULL, 'acme', '2026-03-01T09:00:00Z', 'csv.export', 2),
              ('{ws}', 'web', 'm2', 'track', 'feature.used', 'u1', NULL, 'acme', '2026-03-01T23:59:59Z', 'csv.export', 3),
              ('{ws}', 'web', 'm3', 'track', 'feature.used', 'u2', NULL, 'acme', '2026-03-01T10:00:00Z', 'csv.export', 1),
              ('{ws}', 'web', 'm4', 'track', 'feature.used', NULL, 'a9', 'acme', '2026-03-01T11:00:00Z', 'csv.export', 1),
              ('{ws}', 'web', 'm5', 'track', 'feature.used', 'u1', NULL, 'acme', '2026-03-02T00:00:00Z', 'csv.export', 1),
              ('{ws}', 'web', 'm6', 'page',  '$pageview',    'u3', NULL, 'acme', '2026-03-01T12:00:00Z', NULL, 1),
              ('{ws}', 'web', 'm7', 'track', 'feature.used', 'u9', NULL, 'globex', '2026-03-01T12:00:00Z', 'csv.export', 7),
              ('{ws}', 'web', 'm8', 'identify', 'identify',  'u1', NULL, 'acme', '2026-03-01T12:00:00Z', NULL, 1),
              ('{ws}', 'web', 'm9', 'track', 'feature.used', 'u1', NULL, NULL,   '2026-03-01T12:00:00Z', 'csv.export', 1)
            """);

        var rows = await Sql.StringsAsync(database.ConnectionString, $"""
            SELECT account_id || ' ' || day || ' ' || feature || ' events=' || events || ' uses=' || uses || ' users=' || distinct_users
            FROM feature_usage_daily WHERE workspace = '{ws}'
            ORDER BY account_id, day, feature
            """);

        // Identify calls are not usage; events without an account belong to no company; days are UTC.
        Assert.Equal(
        [
            "acme 2026-03-01 $pageview events=1 uses=1 users=1",
            "acme 2026-03-01 csv.export events=4 uses=7 users=3",
            "acme 2026-03-02 csv.export events=1 uses=1 users=1",
            "globex 2026-03-01 csv.export events=1 uses=7 users=1",
        ], rows);
    }

    [Fact]
    public async Task the_event_log_rejects_a_second_row_with_the_same_workspace_source_and_message_id()
    {
        const string insert = """
            INSERT INTO event_log (workspace, source, message_id, kind, event, user_id, event_time)
            VALUES ('dedupe', 'web', 'same-id', 'track', 'feature.used', 'u1', now())
            """;
        await Sql.ExecuteAsync(database.ConnectionString, insert);

        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(database.ConnectionString, insert));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
        Assert.Equal("event_log_message", duplicate.ConstraintName);

        // What the append path will do: ON CONFLICT DO NOTHING stores nothing and returns nothing.
        var stored = await Sql.StringsAsync(database.ConnectionString, """
            INSERT INTO event_log (workspace, source, message_id, kind, event, user_id, event_time)
            VALUES ('dedupe', 'web', 'same-id', 'track', 'feature.used', 'u1', now())
            ON CONFLICT (workspace, source, message_id) DO NOTHING
            RETURNING message_id
            """);
        Assert.Empty(stored);
        // The same message id from another source is a different event.
        await Sql.ExecuteAsync(database.ConnectionString, insert.Replace("'web'", "'segment'", StringComparison.Ordinal));
        Assert.Equal(2L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM event_log WHERE workspace = 'dedupe'"));
    }

    [Fact]
    public async Task event_log_positions_increase_in_insert_order()
    {
        await Sql.ExecuteAsync(database.ConnectionString, """
            INSERT INTO event_log (workspace, source, message_id, kind, event, account_id, event_time)
            SELECT 'order', 'web', 'm' || i, 'track', 'x', 'acme', now() FROM generate_series(1, 5) i
            """);
        var ids = await Sql.StringsAsync(database.ConnectionString,
            "SELECT message_id FROM event_log WHERE workspace = 'order' AND account_id = 'acme' ORDER BY position");
        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], ids);
    }
}
