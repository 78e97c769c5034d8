using BenchmarkDotNet.Attributes;
using IngestLayer.Contracts;
using IngestLayer.Grains;
using IngestLayer.Grains.Rules;
using IngestLayer.Grains.Signals;

namespace IngestLayer.Benchmarks;

/// <summary>
/// What rules cost an account's batch: one 100-event batch (the hot-path shape: <c>feature.used</c> on a pro plan)
/// applied and evaluated with no rules, with the default set, and with 20 active rules of every kind.
/// </summary>
[MemoryDiagnoser]
public class RuleBenchmarks
{
    private static readonly string[] Features = ["csv.export", "api.access", "reports.schedule", "dashboard.share", "webhook.create", "sso.login", "audit.view", "alerts.create"];
    private readonly DateTimeOffset _now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly Dictionary<string, CompiledRules> _sets = [];
    private IngestEvent[] _events = [];
    private AccountState _account = new();
    private CompiledRules _rules = CompiledRules.Empty;

    [Params("none", "default", "twenty")]
    public string Rules { get; set; } = "none";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _events = [.. Enumerable.Range(0, 100).Select(i => new IngestEvent
        {
            Workspace = "default",
            Source = "bench",
            MessageId = "m-" + i,
            Kind = EventKind.Track,
            Name = "feature.used",
            UserId = "user-" + random.Next(50),
            AccountId = "acct-1",
            Feature = Features[random.Next(Features.Length)],
            Plan = "pro",
            Timestamp = _now.AddSeconds(-i),
            ReceivedAt = _now,
        })];

        var signals = new SignalOptions { PaidFeatures = ["csv.export", "sso.login"] };
        signals.ApplyDefaults();
        var defaults = DefaultRules.From(signals);
        _sets["none"] = CompiledRules.Empty;
        _sets["default"] = CompiledRules.Compile(new RuleSet(defaults, IsDefault: true));
        _sets["twenty"] = CompiledRules.Compile(new RuleSet([.. defaults, .. Twenty()], IsDefault: false));
        _rules = _sets[Rules];

        // An account with four weeks of history, so windows and baselines have something to read.
        for (var day = 28; day > 0; day--)
        {
            RuleRunner.ApplyBatch(_account, _rules, "default", "acct-1", new EventBatch([.. _events.Select(e => e with { Timestamp = _now.AddDays(-day) })]), _now.AddDays(-day));
        }
    }

    [Benchmark(Description = "apply + evaluate one 100-event batch")]
    public int ApplyBatch() => RuleRunner.ApplyBatch(_account, _rules, "default", "acct-1", new EventBatch(_events), _now)?.Count ?? 0;

    // With the two defaults: 20 rules, every kind, most reading counters on every batch.
    private static IEnumerable<RuleDefinition> Twenty()
    {
        RuleDefinition Rule(string id, string kind, RuleParameters parameters) => new() { Id = id, Kind = kind, Parameters = parameters, Severity = RuleSeverities.Info };

        yield return Rule("limit", RuleKinds.BillingLimitHit, new());
        yield return Rule("cancelled", RuleKinds.SubscriptionCancelled, new());
        yield return Rule("invites", RuleKinds.SeatGrowth, new() { Metric = "invites", Event = "team member invited", MinCount = 3 });
        yield return Rule("seats", RuleKinds.SeatGrowth, new() { Metric = "active_users", Percent = 20, MinBaseline = 5 });
        yield return Rule("drop-users", RuleKinds.EngagementDrop, new() { Metric = "active_users", Percent = 30, MinBaseline = 5 });
        yield return Rule("quiet", RuleKinds.Inactivity, new() { Days = 14 });
        foreach (var (feature, i) in Features.Take(6).Select((f, i) => (f, i)))
        {
            yield return Rule("spike-" + i, RuleKinds.UsageSpike, new() { Feature = feature, Factor = 3, MinCount = 10 });
        }

        foreach (var (feature, i) in Features.Take(6).Select((f, i) => (f, i)))
        {
            yield return Rule("threshold-" + i, RuleKinds.Threshold, new() { Feature = feature, Window = i % 2 == 0 ? "24h" : "7d", Value = 1000 });
        }
    }
}
