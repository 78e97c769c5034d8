using System.Text.Json;
using IngestLayer.Slack;
using IngestLayer.Storage;
using IngestLayer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IngestLayer.SlackTests;

/// <summary>The chat.update worker against the fake Slack: a message posted, then updated as a button click would.</summary>
public sealed class SlackMessageUpdaterTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly LogCapture _logs = new();
    private FakeSlack _slack = null!;

    public async Task InitializeAsync() => _slack = await FakeSlack.StartAsync();

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    [Fact]
    public async Task an_update_replaces_the_blocks_of_the_posted_message_with_the_workspaces_token()
    {
        await using var services = TestServices.Build(_slack.BaseUrl, _slack.BotToken, _logs);
        var posted = await PostAsync(services);
        var updater = new SlackMessageUpdater(services.GetRequiredService<SlackPoster>(), services.GetRequiredService<ILogger<SlackMessageUpdater>>());
        await updater.StartAsync(CancellationToken.None);

        Assert.True(updater.Enqueue("acme-analytics", Update(posted, "Acknowledged by <@U1>")));

        var update = Assert.Single(await _slack.WaitForUpdatesAsync(1, Timeout));
        Assert.Equal((posted.Channel, posted.Ts), (update.ChannelId, update.Ts));
        Assert.Equal("Acknowledged by <@U1>", update.Blocks!.Value[0].GetProperty("text").GetProperty("text").GetString());
        Assert.Equal(_slack.BotToken, _slack.Calls[^1].BearerToken);
        await updater.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task an_update_whose_token_lookup_throws_is_dropped_and_the_worker_goes_on()
    {
        await using var services = TestServices.Build(_slack.BaseUrl, _slack.BotToken, _logs);
        var posted = await PostAsync(services);
        var tokens = new FirstLookupFails(services.GetRequiredService<ISlackTokenSource>());
        var updater = new SlackMessageUpdater(
            new SlackPoster(services.GetRequiredService<SlackClient>(), tokens, services.GetRequiredService<ILogger<SlackPoster>>()),
            services.GetRequiredService<ILogger<SlackMessageUpdater>>());
        await updater.StartAsync(CancellationToken.None);

        updater.Enqueue("acme-analytics", Update(posted, "first"));
        updater.Enqueue("acme-analytics", Update(posted, "second"));

        var update = Assert.Single(await _slack.WaitForUpdatesAsync(1, Timeout));
        Assert.Equal("second", update.Blocks!.Value[0].GetProperty("text").GetProperty("text").GetString());
        Assert.Contains(_logs.Lines, l => l.Message.Contains("threw; the update is dropped", StringComparison.Ordinal) && l.Exception is StorageUnavailableException);
        await updater.StopAsync(CancellationToken.None);
    }

    private async Task<SlackPostResult.Ok> PostAsync(ServiceProvider services)
    {
        var message = new AlertMessageRenderer().Render(SampleAlerts.PaidFeatureOnFreePlan(), "#alerts");
        return Assert.IsType<SlackPostResult.Ok>(await services.GetRequiredService<SlackClient>().PostMessageAsync(message, CancellationToken.None));
    }

    private static SlackMessageUpdate Update(SlackPostResult.Ok posted, string status) =>
        new(posted.Channel, posted.Ts, "alert", JsonDocument.Parse($$$"""[{"type":"section","text":{"type":"mrkdwn","text":"{{{status}}}"}}]""").RootElement.Clone());

    // The token store down for one lookup, as a database outage would make it.
    private sealed class FirstLookupFails(ISlackTokenSource inner) : ISlackTokenSource
    {
        private int _calls;

        public ValueTask<SlackCredential?> GetAsync(string workspace, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1
                ? throw new StorageUnavailableException("read the Slack installation", new TimeoutException())
                : inner.GetAsync(workspace, cancellationToken);

        public ValueTask ReportRejectedAsync(SlackCredential.Token token, string error, CancellationToken cancellationToken) =>
            inner.ReportRejectedAsync(token, error, cancellationToken);
    }
}
