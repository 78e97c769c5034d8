using IngestLayer.Contracts;
using IngestLayer.Grains.Signals;

namespace IngestLayer.Grains.Rules.Kinds;

/// <summary>
/// <c>threshold</c>: the count of an <c>event</c> or <c>feature</c> over a <c>window</c> (<c>1h</c>, <c>24h</c>, <c>7d</c>,
/// <c>28d</c>) compared with <c>value</c> by <c>operator</c> (<c>&gt;=</c> by default), optionally only on some
/// <c>plans</c>: signals nobody anticipated. A "below" comparison can be crossed by silence, so it is also
/// evaluated on the schedule.
/// </summary>
public sealed class ThresholdRule(RuleDefinition definition) : CompiledRule(definition)
{
    public static readonly IReadOnlyList<string> Windows = ["1h", "24h", "7d", "28d"];
    public static readonly IReadOnlyList<string> Operators = [">=", ">", "<=", "<"];

    private readonly string? _event = definition.Parameters.Event;
    private readonly string? _feature = definition.Parameters.Feature;
    private readonly string _window = definition.Parameters.Window ?? "24h";
    private readonly string _operator = definition.Parameters.Operator ?? ">=";
    private readonly double _value = definition.Parameters.Value ?? 0;
    private readonly IReadOnlyList<string>? _plans = definition.Parameters.Plans is { Count: > 0 } plans ? plans : null;

    public override bool TimeBased => _operator is "<" or "<=";

    public override bool Holds(AccountState state, DateTimeOffset now)
    {
        if (_plans is not null && !RuleText.PlanIn(_plans, state.Plan))
        {
            return false;
        }

        var count = Count(state, now);
        return _operator switch
        {
            ">" => count > _value,
            "<=" => count <= _value,
            "<" => count < _value,
            _ => count >= _value,
        };
    }

    public override AlertBody Describe(AccountState state, string accountId, IngestEvent? trigger, DateTimeOffset now)
    {
        var count = Count(state, now);
        var evidence = new List<EvidenceItem>
        {
            new($"Count ({_window})", RuleText.Number(count)),
            new("Rule", $"{_operator} {RuleText.Number(_value)} in {_window}"),
            new("Plan", state.Plan ?? "unknown"),
        };
        return new AlertBody(
            _operator is "<" or "<=" ? SignalNames.Risk : SignalNames.Expansion,
            $"Threshold: {Definition.Id}",
            _feature ?? _event,
            $"{RuleText.Display(state, accountId)}: {RuleText.Key(_event, _feature)} counted {count} in the last {_window} ({_operator} {RuleText.Number(_value)}).",
            evidence);
    }

    private long Count(AccountState state, DateTimeOffset now)
    {
        if (RuleText.Counter(state, _event, _feature) is not { } counter)
        {
            return 0;
        }

        return _window switch
        {
            "1h" => counter.Counts(now).LastHour,
            "7d" => counter.Days(now, 7),
            "28d" => counter.Days(now, 28),
            _ => counter.LastHours(now, 24),
        };
    }
}
