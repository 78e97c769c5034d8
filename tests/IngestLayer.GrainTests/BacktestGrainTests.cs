using IngestLayer.Contracts;
using IngestLayer.Storage;

namespace IngestLayer.GrainTests;

/// <summary>The backtest grain reads the stored log (durable mode) and the book of business, and sends nothing.</summary>
public sealed class BacktestGrainTests(DurableFlushCluster fixture) : IClassFixture<DurableFlushCluster>
{
    [Fact]
    public async Task it_replays_one_workspace_s_stored_events_and_counts_alerts_per_channel()
    {
        var (ws, other) = ("ws_" + Guid.NewGuid().ToString("N")[..10], "ws_" + Guid.NewGuid().ToString("N")[..10]);
        var t0 = new DateTimeOffset(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);
        IngestEvent Event(string workspace, string account, double hours) =>
            new GrainTestEvents(t0.AddHours(hours)).Track("u1", "report exported", account) with { Workspace = workspace };
        await fixture.Log.AppendAsync(
        [
            Event(ws, "acme", 0), Event(ws, "acme", 1), Event(other, "acme", 1.5), Event(ws, "globex", 2), Event(ws, "globex", 3),
            Event(ws, "acme", 50), Event(ws, "acme", 51), Event(ws, "initech", 52),
        ], CancellationToken.None);
        await fixture.Owners.UpsertAsync(ws, [new OwnerRecord("acme", "ada@vendor.example", "#ada-alerts")], CancellationToken.None);
        var rule = new RuleDefinition
        {
            Id = "two-reports",
            Kind = RuleKinds.Threshold,
            Parameters = new RuleParameters { Event = "report exported", Window = "24h", Value = 2 },
            Severity = RuleSeverities.Info,
            Enabled = false, // a disabled rule can be tried before it is switched on
        };

        // From hour 2: acme's first crossing (hour 1) is before the range, but its counts are folded in.
        var result = await fixture.Cluster.Client.GetGrain<IBacktestGrain>(0).RunAsync(new BacktestRequest(ws, rule, t0.AddHours(2), t0.AddDays(5)));

        Assert.NotNull(result);
        Assert.Equal([("globex", 3.0), ("acme", 51.0)], result.Alerts.Select(a => (a.AccountId, (a.FiredAt - t0).TotalHours)));
        Assert.Equal(new Dictionary<string, int> { ["#ada-alerts"] = 1, ["(default)"] = 1 }, result.PerChannel);
        Assert.False(result.Truncated);
        Assert.True(result.EventsScanned >= 8);
        // A replay touches no account grain: the live account was never activated.
        Assert.Null(await fixture.Cluster.Client.GetGrain<IAccountGrain>(GrainKeys.Account(ws, "acme")).GetSnapshotAsync());
    }
}
