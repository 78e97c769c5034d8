using IngestLayer.Contracts;
using IngestLayer.Slack;
using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using IngestLayer.Testing;
using Npgsql;

namespace IngestLayer.SlackTests;

/// <summary>
/// Conversations, not pings: the day's follow-up alerts of an account go into the thread of its first one. The
/// delivery worker on a fake clock, the real client and the fake Slack; the thread store in memory and on PostgreSQL.
/// </summary>
public sealed class AlertThreadingTests : FakeClockDeliveryTest
{
    private int _next;

    [Fact]
    public async Task a_second_alert_for_an_account_the_same_day_goes_into_the_thread_of_the_first()
    {
        await using var worker = await DeliveryWorker.StartAsync(Outbox, Time, SlackServer, Logs);

        var first = await DeliverAsync("acc_1");
        Time.Advance(TimeSpan.FromHours(5));
        var second = await DeliverAsync("acc_1");

        Assert.Null(first.ThreadTs);
        Assert.Equal("#alerts", first.Channel);
        Assert.Equal(first.Ts, second.ThreadTs);
        Assert.Equal(first.ChannelId, second.Channel); // replies name the channel by the id Slack answered with
    }

    [Fact]
    public async Task another_accounts_alert_starts_its_own_thread()
    {
        await using var worker = await DeliveryWorker.StartAsync(Outbox, Time, SlackServer, Logs);

        var first = await DeliverAsync("acc_1");
        var other = await DeliverAsync("acc_2");
        var again = await DeliverAsync("acc_2");

        Assert.Null(other.ThreadTs);
        Assert.Equal(other.Ts, again.ThreadTs);
        Assert.NotEqual(first.Ts, again.ThreadTs);
    }

    [Fact]
    public async Task the_next_day_starts_a_new_thread()
    {
        await using var worker = await DeliveryWorker.StartAsync(Outbox, Time, SlackServer, Logs);

        var monday = await DeliverAsync("acc_1");
        Time.Advance(TimeSpan.FromDays(1));
        var tuesday = await DeliverAsync("acc_1");
        var tuesdayAgain = await DeliverAsync("acc_1");

        Assert.Null(tuesday.ThreadTs);
        Assert.NotEqual(monday.Ts, tuesday.Ts);
        Assert.Equal(tuesday.Ts, tuesdayAgain.ThreadTs);
    }

    [Fact]
    public async Task the_same_account_in_another_channel_has_a_thread_of_its_own()
    {
        SlackServer.AddChannel("#expansion");
        await using var worker = await DeliveryWorker.StartAsync(Outbox, Time, SlackServer, Logs);

        var inAlerts = await DeliverAsync("acc_1");
        var inExpansion = await DeliverAsync("acc_1", channel: "#expansion");

        Assert.Null(inExpansion.ThreadTs);
        Assert.NotEqual(inAlerts.Ts, inExpansion.Ts);
    }

    [Fact]
    public async Task pipeline_deliveries_are_never_threaded()
    {
        await using var worker = await DeliveryWorker.StartAsync(Outbox, Time, SlackServer, Logs);

        await DeliverAsync("acc_1");
        var relayed = await DeliverAsync("acc_1", signal: AlertSignals.Pipeline);

        Assert.Null(relayed.ThreadTs);
    }

    [Fact]
    public async Task a_failed_first_post_starts_no_thread()
    {
        await using var worker = await DeliveryWorker.StartAsync(Outbox, Time, SlackServer, Logs);
        SlackServer.SlackErrorNext(1, "invalid_blocks");
        var failed = await EnqueueAsync("acc_1");
        await OutboxWait.ForStatusAsync(Outbox, failed.AlertId, AlertDeliveryStatus.Failed);

        var next = await DeliverAsync("acc_1");

        Assert.Null(next.ThreadTs);
    }

    [Fact]
    public async Task on_postgresql_the_thread_outlives_the_worker_and_is_shared_by_hosts()
    {
        var server = await PostgresServer.AcquireSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(nameof(AlertThreadingTests));
        try
        {
            await using (var dataSource = NpgsqlDataSource.Create(connectionString))
            {
                await new SchemaMigrator(dataSource).MigrateAsync(CancellationToken.None);
            }

            await using var firstHost = NpgsqlDataSource.Create(connectionString);
            await using var secondHost = NpgsqlDataSource.Create(connectionString);

            FakeSlackMessage first;
            await using (var worker = await DeliveryWorker.StartAsync(Outbox, Time, SlackServer, Logs, threads: new PostgresSlackThreadStore(firstHost)))
            {
                first = await DeliverAsync("acc_1");
            }

            // Another host (or this one restarted), with its own pool: it threads under the same message.
            await using (var worker = await DeliveryWorker.StartAsync(Outbox, Time, SlackServer, Logs, threads: new PostgresSlackThreadStore(secondHost)))
            {
                var second = await DeliverAsync("acc_1");
                Assert.Equal(first.Ts, second.ThreadTs);
            }

            Assert.Equal([$"{SampleAlerts.FiredAt:yyyy-MM-dd}:{first.ChannelId}:{first.Ts}"], await Sql.StringsAsync(connectionString,
                "SELECT day::text || ':' || channel_id || ':' || ts FROM slack_threads WHERE account_id = 'acc_1' AND channel = '#alerts'"));
        }
        finally
        {
            await server.DropDatabaseAsync(connectionString);
            await PostgresServer.ReleaseSharedAsync();
        }
    }

    // Enqueues an alert for the account and waits until the fake Slack has it; a second on, so it is the channel's turn.
    private async Task<FakeSlackMessage> DeliverAsync(string accountId, string channel = "#alerts", string? signal = null)
    {
        Time.Advance(ChannelLane.MessageInterval);
        var before = SlackServer.Messages.Count;
        var alert = await EnqueueAsync(accountId, channel, signal);
        var messages = await SlackServer.WaitForMessagesAsync(before + 1, MessageTimeout);
        await OutboxWait.ForStatusAsync(Outbox, alert.AlertId, AlertDeliveryStatus.Sent);
        return messages[before];
    }

    private async Task<Alert> EnqueueAsync(string accountId, string channel = "#alerts", string? signal = null)
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan(channel, $"al_thread_{_next++}") with { AccountId = accountId, FiredAt = Time.GetUtcNow() };
        if (signal is not null)
        {
            alert = alert with { Signal = signal, Rule = "pl_relay" };
        }

        Assert.True(await Outbox.EnqueueAsync(alert, CancellationToken.None));
        return alert;
    }
}
