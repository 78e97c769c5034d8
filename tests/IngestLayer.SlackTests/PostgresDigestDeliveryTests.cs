using IngestLayer.Contracts;
using IngestLayer.Slack;
using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using IngestLayer.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace IngestLayer.SlackTests;

/// <summary>
/// Durable mode's daily digest: two delivery workers, each with its own pool on one migrated PostgreSQL database
/// (as two hosts of a cluster have), then a restarted one. The day's digest is posted once.
/// </summary>
public sealed class PostgresDigestDeliveryTests : IAsyncLifetime
{
    private const string Workspace = "acme-analytics";
    private const string Dana = "dana@vendor.example";
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(10);

    // Sunday 29 March 2026, 09:00 in Berlin (summer time since 02:00 that night).
    private static readonly DateTimeOffset Due = new(2026, 3, 29, 7, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Due - TimeSpan.FromHours(12));
    private readonly LogCapture _logs = new();
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private PostgresServer _server = null!;
    private string _connectionString = "";
    private FakeSlack _slack = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.AcquireSharedAsync();
        _connectionString = await _server.CreateDatabaseAsync(nameof(PostgresDigestDeliveryTests));
        await using (var dataSource = NpgsqlDataSource.Create(_connectionString))
        {
            await new SchemaMigrator(dataSource).MigrateAsync(CancellationToken.None);
        }

        _slack = await FakeSlack.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        await _server.DropDatabaseAsync(_connectionString);
        await PostgresServer.ReleaseSharedAsync();
    }

    [Fact]
    public async Task two_hosts_and_a_restarted_one_post_the_days_digest_once()
    {
        var (firstOutbox, firstPreferences) = Host();
        var (secondOutbox, secondPreferences) = Host();
        await firstPreferences.SaveAsync(Workspace, new OwnerPreferences(Dana, OwnerDeliveryMode.DailyDigest, new TimeOnly(9, 0), "Europe/Berlin", null), _time.GetUtcNow(), CancellationToken.None);
        var alerts = new List<Alert>();
        for (var i = 0; i < 6; i++)
        {
            var alert = SampleAlerts.PaidFeatureOnFreePlan("#alerts", $"al_pg_{i}") with { Workspace = Workspace, AccountId = $"acc_{i}", Owner = Dana };
            Assert.True(await (i % 2 == 0 ? firstOutbox : secondOutbox).EnqueueAsync(alert, CancellationToken.None));
            alerts.Add(alert);
        }

        await using (var first = await DeliveryWorker.StartAsync(firstOutbox, _time, _slack, _logs, preferences: firstPreferences))
        await using (var second = await DeliveryWorker.StartAsync(secondOutbox, _time, _slack, _logs, preferences: secondPreferences))
        {
            foreach (var alert in alerts)
            {
                await OutboxWait.ForAsync(firstOutbox, alert.AlertId, e => e.Status == AlertDeliveryStatus.HeldForDigest, "held for the digest");
            }

            Assert.Empty(_slack.Messages);
            _time.SetUtcNow(Due);

            var digest = Assert.Single(await _slack.WaitForMessagesAsync(1, MessageTimeout));
            Assert.Contains("6 signals", digest.Text, StringComparison.Ordinal);
            foreach (var alert in alerts)
            {
                Assert.Equal(digest.Ts, (await OutboxWait.ForStatusAsync(secondOutbox, alert.AlertId, AlertDeliveryStatus.Digested)).SlackTs);
            }

            // Both workers check again (the clock passes several check intervals); neither posts anything.
            for (var i = 0; i < 3; i++)
            {
                _time.Advance(OwnerDigestDelivery.CheckInterval);
                await Task.Delay(TimeSpan.FromSeconds(1.2));
            }
        }

        // A host restarted the same morning, with a fresh pool: the day's digest is on record, nothing is held.
        var (restartedOutbox, restartedPreferences) = Host();
        await using (var restarted = await DeliveryWorker.StartAsync(restartedOutbox, _time, _slack, _logs, preferences: restartedPreferences))
        {
            _time.Advance(OwnerDigestDelivery.CheckInterval);
            await Task.Delay(TimeSpan.FromSeconds(1.5));
        }

        Assert.Single(_slack.Calls);
        Assert.Equal(["1"], await Sql.StringsAsync(_connectionString,
            $"SELECT count(*)::text FROM owner_digests WHERE workspace = '{Workspace}' AND owner = '{Dana}' AND local_date = '2026-03-29' AND status = 'sent'"));
    }

    // One host's view of the database: its own pool, outbox and preference store.
    private (PostgresAlertOutbox Outbox, PostgresOwnerPreferenceStore Preferences) Host()
    {
        var dataSource = NpgsqlDataSource.Create(_connectionString);
        _dataSources.Add(dataSource);
        return (new PostgresAlertOutbox(dataSource, _time), new PostgresOwnerPreferenceStore(dataSource));
    }
}
