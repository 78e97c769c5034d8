using IngestLayer.Contracts;
using IngestLayer.Grains;
using IngestLayer.Grains.Rules;

namespace IngestLayer.UnitTests.Rules;

/// <summary>One account's state and a rule set, driven batch by batch the way the account grain drives them.</summary>
internal sealed class RuleHarness
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly CompiledRules _rules;
    private readonly AccountEvents _events = new();

    public RuleHarness(params RuleDefinition[] rules) => _rules = CompiledRules.Compile(new RuleSet(rules, IsDefault: false));

    public AccountState State { get; } = new();

    public static RuleDefinition Rule(string kind, RuleParameters? parameters = null, TimeSpan? cooldown = null, string? id = null, string? destination = null) => new()
    {
        Id = id ?? kind,
        Kind = kind,
        Parameters = parameters ?? new RuleParameters(),
        Severity = RuleSeverities.Warning,
        Cooldown = cooldown ?? TimeSpan.FromHours(24),
        Destination = destination,
    };

    public IngestEvent Track(string name, DateTimeOffset at, string? feature = null, string user = "ada", int count = 1) =>
        _events.Track(name, at, feature, user, count);

    public IngestEvent Group(DateTimeOffset at, params (string Key, string Value)[] traits) => _events.Group(at, traits);

    /// <summary><paramref name="n"/> events named <paramref name="name"/> at <paramref name="at"/>.</summary>
    public IngestEvent[] Many(int n, string name, DateTimeOffset at, string? feature = null) =>
        [.. Enumerable.Range(0, n).Select(_ => Track(name, at, feature))];

    /// <summary>One event by each of <paramref name="users"/> users (named <c>u1</c>…), at <paramref name="at"/>.</summary>
    public IngestEvent[] Users(int users, DateTimeOffset at, int first = 1) =>
        [.. Enumerable.Range(first, users).Select(i => Track("dashboard viewed", at, user: "u" + i))];

    public IReadOnlyList<Alert> Batch(DateTimeOffset now, params IngestEvent[] events) =>
        RuleRunner.ApplyBatch(State, _rules, "default", "acme", new EventBatch(events), now) ?? [];

    /// <summary>The schedule's tick: time-based rules only, no events.</summary>
    public IReadOnlyList<Alert> Tick(DateTimeOffset now) =>
        RuleRunner.EvaluateScheduled(State, _rules, "default", "acme", now) ?? [];
}
