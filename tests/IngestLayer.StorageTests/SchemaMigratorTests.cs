using IngestLayer.Storage.Postgres;
using IngestLayer.Testing;

namespace IngestLayer.StorageTests;

public sealed class SchemaMigratorTests(PostgresDatabase database, MigratedDatabase migrated)
    : IClassFixture<PostgresDatabase>, IClassFixture<MigratedDatabase>
{
    /// <summary>Every OrleansQuery key the 10.4.2 ADO.NET providers read (ORLEANS-NOTES.md), plus DeleteStorageKey for DeleteStateOnClear.</summary>
    public static TheoryData<string> RequiredOrleansQueryKeys => new()
    {
        // Persistence
        "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
        // Clustering (all nine)
        "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey",
        // Reminders (all seven)
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key",
        "ReadRangeRows2Key", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    };

    [Fact]
    public async Task migrations_apply_in_order_to_an_empty_database_and_are_recorded()
    {
        var cs = await database.CreateEmptyAsync("empty");
        await using var dataSource = database.CreateDataSource(cs);

        var result = await new SchemaMigrator(dataSource).MigrateAsync(CancellationToken.None);

        var embedded = MigrationScripts.Embedded();
        Assert.Equal(["0001_orleans_main.sql", "0002_orleans_clustering.sql", "0003_orleans_persistence.sql", "0004_orleans_reminders.sql", "0005_app_schema.sql", "0006_ingested_by_and_delivery_columns.sql", "0007_dispatch_checkpoints.sql", "0008_rules_and_snoozes.sql", "0009_owner_preferences.sql", "0010_pipelines.sql", "0011_sources.sql", "0012_webhook_sources.sql", "0013_slack_installations.sql", "0014_slack_threads.sql"],
            embedded.Select(s => s.FileName));
        Assert.Equal(embedded.Select(s => s.FileName), result.Applied.Select(s => s.FileName));
        Assert.Empty(result.AlreadyApplied);
        var recorded = await Sql.StringsAsync(cs, "SELECT version || ':' || name || ':' || checksum FROM schema_migrations ORDER BY version");
        Assert.Equal(embedded.Select(s => $"{s.Version}:{s.Name}:{s.Checksum}"), recorded);
    }

    [Theory]
    [MemberData(nameof(RequiredOrleansQueryKeys))]
    public async Task migrations_create_the_orleans_query_key(string key)
    {
        var count = await Sql.ScalarAsync<long>(migrated.ConnectionString, $"SELECT count(*) FROM OrleansQuery WHERE QueryKey = '{key}'");
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task rerunning_the_migrator_applies_nothing()
    {
        var cs = await database.CreateEmptyAsync("rerun");
        await using var dataSource = database.CreateDataSource(cs);
        await new SchemaMigrator(dataSource).MigrateAsync(CancellationToken.None);
        var firstAppliedAt = await Sql.ScalarAsync<DateTime>(cs, "SELECT max(applied_at) FROM schema_migrations");

        var again = await new SchemaMigrator(dataSource).MigrateAsync(CancellationToken.None);

        Assert.Empty(again.Applied);
        Assert.Equal(MigrationScripts.Embedded().Count, again.AlreadyApplied.Count);
        Assert.Equal(firstAppliedAt, await Sql.ScalarAsync<DateTime>(cs, "SELECT max(applied_at) FROM schema_migrations"));
        Assert.Equal(MigrationScripts.Embedded().Count, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task two_migrators_started_together_both_succeed_and_apply_each_file_once()
    {
        var cs = await database.CreateEmptyAsync("race");
        // Separate data sources: two hosts, two pools, nothing shared but the database.
        await using var first = database.CreateDataSource(cs);
        await using var second = database.CreateDataSource(cs);
        using var go = new ManualResetEventSlim();
        var a = Task.Run(async () => { go.Wait(); return await new SchemaMigrator(first).MigrateAsync(CancellationToken.None); });
        var b = Task.Run(async () => { go.Wait(); return await new SchemaMigrator(second).MigrateAsync(CancellationToken.None); });
        go.Set();

        var results = await Task.WhenAll(a, b).WaitAsync(TimeSpan.FromSeconds(60));

        var scripts = MigrationScripts.Embedded();
        var appliedByEither = results.SelectMany(r => r.Applied).Select(s => s.FileName).Order().ToList();
        Assert.Equal(scripts.Select(s => s.FileName).Order(), appliedByEither);
        Assert.Equal(scripts.Count, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM schema_migrations"));
        // The one that waited for the lock saw everything applied by the other.
        Assert.Contains(results, r => r.Applied.Count == 0 && r.AlreadyApplied.Count == scripts.Count);
    }

    [Fact]
    public async Task an_applied_migration_whose_text_changed_is_refused_and_nothing_is_applied()
    {
        var cs = await database.CreateEmptyAsync("checksum");
        await using var dataSource = database.CreateDataSource(cs);
        await new SchemaMigrator(dataSource).MigrateAsync(CancellationToken.None);
        var edited = MigrationScripts.Embedded()
            .Select(s => s.Version == 3 ? new MigrationScript(s.FileName, s.Sql + "\n-- an edit after the fact\n") : s)
            .Append(new MigrationScript("0999_later.sql", "CREATE TABLE later_table (id int);"))
            .ToList();

        var refused = await Assert.ThrowsAsync<SchemaMigrationException>(
            () => new SchemaMigrator(dataSource, scripts: edited).MigrateAsync(CancellationToken.None));

        Assert.Contains("0003_orleans_persistence.sql", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM schema_migrations WHERE version = 999"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM pg_tables WHERE tablename = 'later_table'"));
    }

    [Fact]
    public void a_line_ending_change_is_not_a_changed_checksum()
    {
        var lf = new MigrationScript("0001_x.sql", "SELECT 1;\nSELECT 2;\n");
        var crlf = new MigrationScript("0001_x.sql", "SELECT 1;\r\nSELECT 2;\r\n");
        Assert.Equal(lf.Checksum, crlf.Checksum);
    }

    [Fact]
    public void a_migration_file_not_named_by_its_version_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new MigrationScript("orleans.sql", ""));
        Assert.Throws<InvalidOperationException>(() => MigrationScripts.Ordered(
            [new MigrationScript("0006_a.sql", ""), new MigrationScript("0006_b.sql", "")]));
    }
}
