using System.Text.Json.Nodes;
using IngestLayer.Testing;

namespace IngestLayer.ClusterTests;

/// <summary>A durable host on a database of its own, posting alerts to a fake Slack: what the rebuild tests run against.</summary>
public abstract class DurableRebuild(string name) : FreshDatabaseTest(name)
{
    private readonly string _hostName = name;

    protected const string Channel = "#default-alerts";

    protected FakeSlack Slack { get; private set; } = null!;

    protected HostProcess Host { get; private set; } = null!;

    protected override async Task OnDatabaseCreatedAsync()
    {
        Slack = await FakeSlack.StartAsync(o => o.Channels.Add(Channel));
        Host = await HostProcess.StartDurableAsync(_hostName, ConnectionString, new Dictionary<string, string>
        {
            ["Slack__ApiBaseUrl"] = Slack.BaseUrl,
            ["Slack__BotToken"] = Slack.BotToken,
            ["Slack__DefaultChannel"] = Channel,
        });
    }

    protected override async Task OnDisposingAsync()
    {
        await Host.DisposeAsync();
        await Slack.DisposeAsync();
    }

    /// <summary>A threshold rule on "report exported" over 24 hours (replacing the default rule set).</summary>
    protected static object Reports(int value) => new { id = "reports", kind = "threshold", parameters = new { @event = "report exported", window = "24h", value } };

    protected Task ReportsAsync(string account, int count, int firstUser = 0) =>
        Host.PostEventsAsync(new { events = Enumerable.Range(firstUser, count).Select(i => new { @event = "report exported", user_id = "u" + i, account_id = account }) });

    /// <summary>The account's state once the host has applied <paramref name="events"/> events to it.</summary>
    protected Task<JsonNode> AppliedAsync(string account, long events) =>
        ClusterApi.EventuallyAsync(
            async () => await Host.AccountAsync(account) is { } a && a["events_applied"]!.GetValue<long>() == events ? a : null,
            $"account {account} to have applied {events} events");

    protected async Task<JsonArray> AlertsAsync(string? account = null)
    {
        var (status, body, _) = await Host.OpsAsync(HttpMethod.Get, account is null ? "/ops/alerts" : $"/ops/alerts?account_id={account}");
        Assert.Equal(200, status);
        return body!.AsArray();
    }
}
