using IngestLayer.Contracts;
using IngestLayer.Grains.Health;
using IngestLayer.Grains.Signals;

namespace IngestLayer.Grains.Rules.Kinds;

/// <summary>
/// <c>health_score</c>: the account's health score (<see cref="HealthScore"/>) compared with <c>value</c> by
/// <c>operator</c> (<c>&lt;</c> by default: "health dropped below 40"). Trends fall with silence, so it is also
/// evaluated on the schedule. Computing the score reads every counter, so it costs more per batch than other kinds.
/// </summary>
public sealed class HealthScoreRule(RuleDefinition definition) : CompiledRule(definition)
{
    private readonly string _operator = definition.Parameters.Operator ?? "<";
    private readonly double _value = definition.Parameters.Value ?? 40;

    public override bool TimeBased => true;

    public override bool Holds(AccountState state, DateTimeOffset now) =>
        state.Known && Compare(HealthScore.Compute(state, now).Score);

    public override AlertBody Describe(AccountState state, string accountId, IngestEvent? trigger, DateTimeOffset now)
    {
        var health = HealthScore.Compute(state, now);
        var evidence = new List<EvidenceItem> { new("Health score", RuleText.Number(health.Score)) };
        evidence.AddRange(health.Components.Select(c => new EvidenceItem($"{c.Name} ({c.Points}/{c.Max})", c.Detail)));
        evidence.Add(new("Rule", $"score {_operator} {RuleText.Number(_value)}"));
        var falling = _operator is "<" or "<=";
        return new AlertBody(
            falling ? SignalNames.Risk : SignalNames.Expansion,
            falling ? "Risk: account health low" : "Expansion: account health high",
            null,
            $"{RuleText.Display(state, accountId)} has a health score of {health.Score} ({_operator} {RuleText.Number(_value)}); weakest: {Weakest(health)}.",
            evidence);
    }

    private static string Weakest(HealthSnapshot health)
    {
        var weakest = health.Components.MinBy(c => c.Points)!;
        return $"{weakest.Name}, {weakest.Detail}";
    }

    private bool Compare(int score) => _operator switch
    {
        ">=" => score >= _value,
        ">" => score > _value,
        "<=" => score <= _value,
        _ => score < _value,
    };
}
