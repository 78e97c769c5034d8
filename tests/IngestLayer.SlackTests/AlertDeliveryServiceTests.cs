using IngestLayer.Contracts;
using IngestLayer.Slack;
using IngestLayer.Storage;
using IngestLayer.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IngestLayer.SlackTests;

/// <summary>The delivery worker end to end: the in-memory outbox, the real client and the fake Slack over loopback.</summary>
public sealed class AlertDeliveryServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(10);

    private readonly MemoryAlertOutbox _outbox = new(Options.Create(new EmbeddedOptions()), TimeProvider.System);
    private readonly LogCapture _logs = new();
    private FakeSlack _slack = null!;

    public async Task InitializeAsync() =>
        _slack = await FakeSlack.StartAsync(o =>
        {
            o.Channels.Add("expansion");
            o.PrivateChannels.Add("sales-private");
        });

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    [Fact]
    public async Task an_enqueued_alert_is_posted_and_recorded_as_sent_with_its_slack_ts()
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan(channel: "#expansion");
        await _outbox.EnqueueAsync(alert, CancellationToken.None);
        using var host = await StartHostAsync(_slack.BotToken);

        var message = Assert.Single(await _slack.WaitForMessagesAsync(1, MessageTimeout));
        var entry = await OutboxWait.ForStatusAsync(_outbox, alert.AlertId, AlertDeliveryStatus.Sent);

        Assert.Equal("#expansion", message.Channel);
        Assert.Contains("*csv.export uses*\\n3 in 24h", message.Blocks!.Value.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(_slack.BotToken, Assert.Single(_slack.Calls).BearerToken);
        Assert.Equal("1700000000.000100", entry.SlackTs);
        Assert.Equal("#expansion", entry.Channel);
        Assert.Null(entry.Error);
        Assert.Null(entry.Hint);
        Assert.NotNull(entry.DeliveredAt);
        await host.StopAsync();
    }

    [Fact]
    public async Task an_alert_without_a_channel_goes_to_the_default_channel()
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan(channel: null);
        await _outbox.EnqueueAsync(alert, CancellationToken.None);
        using var host = await StartHostAsync(_slack.BotToken, defaultChannel: "#alerts");

        var message = Assert.Single(await _slack.WaitForMessagesAsync(1, MessageTimeout));
        var entry = await OutboxWait.ForStatusAsync(_outbox, alert.AlertId, AlertDeliveryStatus.Sent);

        Assert.Equal("#alerts", message.Channel);
        Assert.Equal("#alerts", entry.Channel);
        await host.StopAsync();
    }

    [Fact]
    public async Task an_alert_for_a_private_channel_without_the_bot_fails_with_the_invite_hint()
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan(channel: "#sales-private");
        await _outbox.EnqueueAsync(alert, CancellationToken.None);
        using var host = await StartHostAsync(_slack.BotToken);

        var entry = await OutboxWait.ForStatusAsync(_outbox, alert.AlertId, AlertDeliveryStatus.Failed);

        const string hint = "The channel is private (or not found among public channels): the bot cannot join it by itself; invite it with /invite @yourapp";
        Assert.Equal("not_in_channel", entry.Error);
        Assert.Equal(hint, entry.Hint);
        Assert.Equal("#sales-private", entry.Channel);
        Assert.Null(entry.SlackTs);
        // Posted once; the bot looked for a public channel of that name to join and found none.
        Assert.Equal(["chat.postMessage not_in_channel", "conversations.list "], _slack.Calls.Select(c => $"{c.Method} {c.Error}"));
        Assert.Contains(_logs.Lines, l => l.Level == LogLevel.Error && l.Message == $"Alert {alert.AlertId} failed: not_in_channel. {hint}");
        await host.StopAsync();
    }

    [Fact]
    public async Task an_alert_with_no_channel_and_no_default_fails_with_no_channel()
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan(channel: null);
        await _outbox.EnqueueAsync(alert, CancellationToken.None);
        using var host = await StartHostAsync(_slack.BotToken, defaultChannel: null);

        var entry = await OutboxWait.ForStatusAsync(_outbox, alert.AlertId, AlertDeliveryStatus.Failed);

        Assert.Equal("no_channel", entry.Error);
        Assert.Equal("Set the account's slack_channel (group trait or POST /ops/owners/import) or Slack:DefaultChannel.", entry.Hint);
        Assert.Empty(_slack.Calls);
        await host.StopAsync();
    }

    [Fact]
    public async Task without_a_bot_token_the_alert_goes_to_the_dev_inbox_in_the_log()
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan(channel: "#expansion");
        await _outbox.EnqueueAsync(alert, CancellationToken.None);
        using var host = await StartHostAsync(botToken: null);

        var entry = await OutboxWait.ForStatusAsync(_outbox, alert.AlertId, AlertDeliveryStatus.DevInbox);

        Assert.Equal("#expansion", entry.Channel);
        Assert.Null(entry.Error);
        Assert.Empty(_slack.Calls);
        var line = Assert.Single(_logs.Lines, l => l.Category == typeof(AlertDeliveryService).FullName && l.Level == LogLevel.Information);
        Assert.Equal(
            $"Dev inbox (no Slack:BotToken): alert {alert.AlertId} paid_feature_on_free_plan for account acc_42 to #expansion: {alert.Explanation}",
            line.Message);
        await host.StopAsync();
    }

    [Fact]
    public async Task the_bot_token_never_appears_in_the_logs()
    {
        // Every outcome that logs: sent, Slack error, rate limit (Trace level, HTTP client logging included).
        _slack.RateLimitChannelNext("#alerts", 1, retryAfterSeconds: 30);
        await _outbox.EnqueueAsync(SampleAlerts.PaidFeatureOnFreePlan("#alerts", "al_limited"), CancellationToken.None);
        await _outbox.EnqueueAsync(SampleAlerts.PaidFeatureOnFreePlan("#sales-private", "al_failed"), CancellationToken.None);
        await _outbox.EnqueueAsync(SampleAlerts.PaidFeatureOnFreePlan("#expansion", "al_sent"), CancellationToken.None);
        using var host = await StartHostAsync(_slack.BotToken);

        await OutboxWait.ForStatusAsync(_outbox, "al_limited", AlertDeliveryStatus.Retrying);
        await OutboxWait.ForStatusAsync(_outbox, "al_failed", AlertDeliveryStatus.Failed);
        await OutboxWait.ForStatusAsync(_outbox, "al_sent", AlertDeliveryStatus.Sent);
        await host.StopAsync();

        Assert.Contains(_logs.Lines, l => l.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.Message.Contains(_slack.BotToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_transient_failure_is_retried_after_the_backoff_and_then_sent()
    {
        var time = new FakeTimeProvider(SampleAlerts.FiredAt);
        var outbox = new MemoryAlertOutbox(Options.Create(new EmbeddedOptions()), time);
        var alert = SampleAlerts.PaidFeatureOnFreePlan();
        await outbox.EnqueueAsync(alert, CancellationToken.None);
        _slack.SlackErrorNext(1, "internal_error");
        await using var worker = await StartWorkerAsync(outbox, time);

        var retrying = await OutboxWait.ForStatusAsync(outbox, alert.AlertId, AlertDeliveryStatus.Retrying);
        Assert.Equal("internal_error", retrying.Error);
        Assert.Equal(SampleAlerts.FiredAt.AddSeconds(5), retrying.NextAttemptAt);
        Assert.Empty(_slack.Messages);

        time.Advance(TimeSpan.FromSeconds(5));
        var sent = await OutboxWait.ForStatusAsync(outbox, alert.AlertId, AlertDeliveryStatus.Sent, attempts: 2);

        Assert.Equal("1700000000.000100", sent.SlackTs);
        Assert.Null(sent.Error);
        Assert.Single(_slack.Messages);
    }

    [Fact]
    public async Task a_rate_limited_alert_is_retried_no_sooner_than_retry_after()
    {
        var time = new FakeTimeProvider(SampleAlerts.FiredAt);
        var outbox = new MemoryAlertOutbox(Options.Create(new EmbeddedOptions()), time);
        var alert = SampleAlerts.PaidFeatureOnFreePlan();
        await outbox.EnqueueAsync(alert, CancellationToken.None);
        _slack.RateLimitNext(1, retryAfterSeconds: 30);
        await using var worker = await StartWorkerAsync(outbox, time);

        var retrying = await OutboxWait.ForStatusAsync(outbox, alert.AlertId, AlertDeliveryStatus.Retrying);

        Assert.Equal("ratelimited", retrying.Error);
        Assert.Equal(SampleAlerts.FiredAt.AddSeconds(30), retrying.NextAttemptAt);
        Assert.Equal([429], _slack.Calls.Select(c => c.StatusCode));
    }

    [Fact]
    public async Task an_outbox_failure_is_logged_and_the_worker_carries_on()
    {
        var outbox = new FailingOnceOutbox(_outbox);
        var alert = SampleAlerts.PaidFeatureOnFreePlan();
        await outbox.EnqueueAsync(alert, CancellationToken.None);
        using var host = await StartHostAsync(_slack.BotToken, outbox: outbox);

        await OutboxWait.ForStatusAsync(_outbox, alert.AlertId, AlertDeliveryStatus.Sent);

        Assert.Contains(_logs.Lines, l => l.Level == LogLevel.Error && l.Exception is InvalidOperationException { Message: "The outbox is down." });
        await host.StopAsync();
    }

    [Fact]
    public async Task the_worker_stops_cleanly_on_shutdown()
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan();
        await _outbox.EnqueueAsync(alert, CancellationToken.None);
        using var host = await StartHostAsync(_slack.BotToken);
        var worker = host.Services.GetServices<IHostedService>().OfType<AlertDeliveryService>().Single();
        // Delivered, so the worker is now idle, waiting for work.
        await OutboxWait.ForStatusAsync(_outbox, alert.AlertId, AlertDeliveryStatus.Sent);

        await host.StopAsync();

        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully, $"The worker ended as {worker.ExecuteTask.Status}.");
        Assert.DoesNotContain(_logs.Lines, l => l.Level >= LogLevel.Error);
    }

    private async Task<IHost> StartHostAsync(string? botToken, string? defaultChannel = null, IAlertOutbox? outbox = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(TestServices.SlackSettings(_slack.BaseUrl, botToken, defaultChannel));
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs);
        builder.Services.AddSingleton(outbox ?? _outbox);
        builder.Services.AddSingleton<IOwnerPreferenceStore, MemoryOwnerPreferenceStore>();
        builder.Services.AddSlackAlerts();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private Task<DeliveryWorker> StartWorkerAsync(IAlertOutbox outbox, FakeTimeProvider time) =>
        DeliveryWorker.StartAsync(outbox, time, _slack, _logs);

    /// <summary>An outbox whose first claim throws, like a database that is briefly unreachable.</summary>
    private sealed class FailingOnceOutbox(IAlertOutbox inner) : IAlertOutbox
    {
        private int _claims;

        public ValueTask<bool> EnqueueAsync(Alert alert, CancellationToken cancellationToken) => inner.EnqueueAsync(alert, cancellationToken);

        public ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken, string destination = PipelineDestinationTypes.Slack) =>
            Interlocked.Increment(ref _claims) == 1
                ? throw new InvalidOperationException("The outbox is down.")
                : inner.ClaimDueAsync(max, now, lease, cancellationToken, destination);

        public ValueTask CompleteAttemptAsync(string alertId, DeliveryOutcome outcome, CancellationToken cancellationToken) =>
            inner.CompleteAttemptAsync(alertId, outcome, cancellationToken);

        public ValueTask<RequeueResult> RequeueAsync(string alertId, CancellationToken cancellationToken) =>
            inner.RequeueAsync(alertId, cancellationToken);

        public ValueTask<IReadOnlyList<OutboxEntry>> QueryAsync(AlertQuery query, CancellationToken cancellationToken) =>
            inner.QueryAsync(query, cancellationToken);

        public ValueTask<IReadOnlyDictionary<AlertDeliveryStatus, long>> CountByStatusAsync(string workspace, string rule, CancellationToken cancellationToken) =>
            inner.CountByStatusAsync(workspace, rule, cancellationToken);

        public ValueTask HoldForDigestAsync(string alertId, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.HoldForDigestAsync(alertId, now, cancellationToken);

        public ValueTask<IReadOnlyList<WorkspaceOwner>> ListHeldOwnersAsync(CancellationToken cancellationToken) =>
            inner.ListHeldOwnersAsync(cancellationToken);

        public ValueTask<int> ReleaseHeldAsync(WorkspaceOwner owner, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.ReleaseHeldAsync(owner, now, cancellationToken);

        public ValueTask<OwnerDigest?> OpenDigestAsync(OwnerDigestKey key, DateTimeOffset dueAt, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
            inner.OpenDigestAsync(key, dueAt, now, lease, cancellationToken);

        public ValueTask<IReadOnlyList<OwnerDigest>> ClaimDueDigestsAsync(int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
            inner.ClaimDueDigestsAsync(max, now, lease, cancellationToken);

        public ValueTask CompleteDigestAsync(OwnerDigestKey key, DeliveryOutcome outcome, CancellationToken cancellationToken) =>
            inner.CompleteDigestAsync(key, outcome, cancellationToken);

        public Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) => inner.WaitForWorkAsync(timeout, cancellationToken);
    }
}
