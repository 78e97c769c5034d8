using IngestLayer.Contracts;

namespace IngestLayer.Grains.Rules;

/// <summary>
/// A rule ready to evaluate: its definition with the parameters resolved (defaults filled in, sets built)
/// once per rule-set version, so evaluating it reads the account's counters and nothing else.
/// </summary>
public abstract class CompiledRule(RuleDefinition definition)
{
    public RuleDefinition Definition { get; } = definition;

    public string Id => Definition.Id;

    public string Kind => Definition.Kind;

    /// <summary>
    /// Evaluated right after each event that <see cref="MovedBy"/> says can move it, and its alert named after
    /// that event; otherwise evaluated once per applied batch.
    /// </summary>
    public virtual bool PerEvent => false;

    /// <summary>Whether the condition can become true with the passage of time alone (evaluated on a schedule too).</summary>
    public virtual bool TimeBased => false;

    /// <summary>For <see cref="PerEvent"/> rules: whether <paramref name="e"/> can move the condition.</summary>
    public virtual bool MovedBy(IngestEvent e) => false;

    /// <summary>
    /// How <see cref="Holds"/> would read the event and feature counters of <paramref name="state"/> as it is (any way
    /// at all, unless a kind says otherwise).
    /// </summary>
    public virtual CounterReads ReadsCounters(AccountState state) => CounterReads.Exact;

    /// <summary>Whether the condition holds for <paramref name="state"/> at <paramref name="now"/>.</summary>
    public abstract bool Holds(AccountState state, DateTimeOffset now);

    /// <summary>The alert's words and numbers, for a condition that holds.</summary>
    public abstract AlertBody Describe(AccountState state, string accountId, IngestEvent? trigger, DateTimeOffset now);
}

/// <summary>What a rule says when it fires: the headline, the one-line why, and the numbers behind it.</summary>
public sealed record AlertBody(string Category, string Title, string? Subject, string Explanation, IReadOnlyList<EvidenceItem> Evidence);
