using BenchmarkDotNet.Attributes;
using IngestLayer.Contracts;
using IngestLayer.Grains;
using IngestLayer.Grains.Rules;
using IngestLayer.Grains.Signals;

namespace IngestLayer.Benchmarks;

/// <summary>
/// The account grain's per-event fold under the load generator's shape: 1,000 accounts (too many for their
/// counters to stay in cache), 10 users each, 40-event batches stamped within the last 30 seconds, 70%
/// <c>feature.used</c> over 8 features, plans free/pro/enterprise, the default rules with <c>csv.export</c> paid.
/// Event names, features and plans are shared instances, user ids are not (the gateway parses a new string per
/// event). One operation applies one batch to every account; the result is per event.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AccountFoldBenchmarks
{
    private const int Accounts = 1000;
    private const int UsersPerAccount = 10;
    private const int EventsPerBatch = 40;
    private const int Variants = 4;

    private static readonly string[] Features = ["csv.export", "api.access", "reports.schedule", "dashboard.share", "webhook.create", "sso.login", "audit.view", "alerts.create"];
    private static readonly string[] Names = ["$pageview", "insight created", "dashboard created", "team member invited", "experiment launched", "survey launched"];
    private static readonly string[] Plans = ["free", "pro", "enterprise"];

    private readonly DateTimeOffset _now = new(2026, 11, 23, 12, 0, 15, TimeSpan.Zero);
    private readonly AccountState[] _states = new AccountState[Accounts];
    private readonly string[] _accountIds = new string[Accounts];
    private readonly EventBatch[][] _batches = new EventBatch[Variants][];
    private CompiledRules _rules = CompiledRules.Empty;
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        var signals = new SignalOptions { PaidFeatures = ["csv.export"] };
        signals.ApplyDefaults();
        _rules = CompiledRules.Compile(new RuleSet(DefaultRules.From(signals), IsDefault: true));

        var random = new Random(7);
        for (var v = 0; v < Variants; v++)
        {
            _batches[v] = new EventBatch[Accounts];
            for (var a = 0; a < Accounts; a++)
            {
                _batches[v][a] = new EventBatch([.. Enumerable.Range(0, EventsPerBatch).Select(i => Event(random, a, v * EventsPerBatch + i, _now))]);
            }
        }

        // An hour of history per account, so the minute tier is full and the hour and day tiers hold something.
        for (var a = 0; a < Accounts; a++)
        {
            _accountIds[a] = "acct-" + a;
            _states[a] = new AccountState();
            for (var minutesAgo = 60; minutesAgo > 0; minutesAgo--)
            {
                var then = _now.AddMinutes(-minutesAgo);
                var batch = new EventBatch([.. Enumerable.Range(0, 10).Select(i => Event(random, a, i, then))]);
                RuleRunner.ApplyBatch(_states[a], _rules, "default", _accountIds[a], batch, then);
            }
        }
    }

    [Benchmark(Description = "fold 40-event batches into 1,000 accounts (per event)", OperationsPerInvoke = Accounts * EventsPerBatch)]
    public int ApplyBatches()
    {
        var batches = _batches[_round++ % Variants];
        var fired = 0;
        for (var a = 0; a < Accounts; a++)
        {
            fired += RuleRunner.ApplyBatch(_states[a], _rules, "default", _accountIds[a], batches[a], _now)?.Count ?? 0;
        }

        return fired;
    }

    private static IngestEvent Event(Random random, int account, int sequence, DateTimeOffset now)
    {
        var roll = random.Next(100);
        var user = account + (Accounts * random.Next(UsersPerAccount));
        return new IngestEvent
        {
            Workspace = "default",
            Source = "bench",
            MessageId = $"m-{account}-{sequence}",
            Kind = EventKind.Track,
            Name = roll < 70 ? "feature.used" : Names[roll % Names.Length],
            UserId = "user-" + user, // a new instance per event, as the parser makes them
            AccountId = "acct-" + account,
            Feature = roll < 70 ? Features[random.Next(Features.Length)] : null,
            Plan = Plans[account % Plans.Length],
            Timestamp = now.AddSeconds(-random.Next(30)),
            ReceivedAt = now,
        };
    }
}
