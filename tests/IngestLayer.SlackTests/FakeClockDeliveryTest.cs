using IngestLayer.Storage;
using IngestLayer.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IngestLayer.SlackTests;

/// <summary>
/// What the delivery worker's tests on a fake clock share: the clock, the in-memory outbox on it, captured logs, and a
/// fake Slack over loopback with the channels the test class asks for.
/// </summary>
public abstract class FakeClockDeliveryTest(Action<FakeSlackOptions>? slack = null) : IAsyncLifetime
{
    /// <summary>How long a test waits for the fake Slack to receive what it expects (real time: the HTTP calls are real).</summary>
    protected static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(10);

    protected FakeTimeProvider Time { get; } = new(SampleAlerts.FiredAt);

    internal LogCapture Logs { get; } = new();

    protected MemoryAlertOutbox Outbox { get; private set; } = null!;

    protected FakeSlack SlackServer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Outbox = new MemoryAlertOutbox(Options.Create(new EmbeddedOptions()), Time);
        SlackServer = await FakeSlack.StartAsync(slack);
    }

    public async Task DisposeAsync() => await SlackServer.DisposeAsync();

    protected async Task<OutboxEntry> EntryAsync(string alertId) =>
        (await Outbox.QueryAsync(new AlertQuery(), CancellationToken.None)).Single(e => e.Alert.AlertId == alertId);

    /// <summary>A message's first block's text: the header of an alert or a digest.</summary>
    protected static string Header(FakeSlackMessage message) =>
        message.Blocks!.Value[0].GetProperty("text").GetProperty("text").GetString()!;
}
