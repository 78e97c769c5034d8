using IngestLayer.Contracts;
using IngestLayer.Grains.Signals;

namespace IngestLayer.Grains.Rules.Kinds;

/// <summary>
/// <c>usage_spike</c>: the <c>event</c>'s (or <c>feature</c>'s) count over the last 24 hours is at least <c>min_count</c>
/// and at least <c>factor</c> times its daily baseline, the average day of the 28 days before today.
/// </summary>
public sealed class UsageSpikeRule(RuleDefinition definition) : CompiledRule(definition)
{
    public const double DefaultFactor = 3;
    public const long DefaultMinCount = 10;

    private readonly string? _event = definition.Parameters.Event;
    private readonly string? _feature = definition.Parameters.Feature;
    private readonly double _factor = definition.Parameters.Factor ?? DefaultFactor;
    private readonly long _minCount = definition.Parameters.MinCount ?? DefaultMinCount;

    public override bool Holds(AccountState state, DateTimeOffset now)
    {
        var (last24h, baseline) = Read(state, now);
        return last24h >= _minCount && last24h >= _factor * baseline;
    }

    public override AlertBody Describe(AccountState state, string accountId, IngestEvent? trigger, DateTimeOffset now)
    {
        var (last24h, baseline) = Read(state, now);
        var key = RuleText.Key(_event, _feature);
        var ratio = baseline > 0 ? $"{RuleText.Number(last24h / baseline)}× its daily baseline of {RuleText.Number(baseline)}" : "with no usage in the 28 days before";
        return new AlertBody(
            SignalNames.Expansion,
            "Expansion: usage spike",
            _feature ?? _event,
            $"{RuleText.Display(state, accountId)} used {key} {RuleText.Times(last24h)} in the last 24h, {ratio}.",
            [
                new("Last 24h", RuleText.Number(last24h)),
                new("Daily baseline (28 days before today)", RuleText.Number(baseline)),
                new("Rule", $"at least {RuleText.Number(_factor)}× baseline and {RuleText.Number(_minCount)}"),
                new("Plan", state.Plan ?? "unknown"),
            ]);
    }

    private (long Last24h, double Baseline) Read(AccountState state, DateTimeOffset now)
    {
        var counter = RuleText.Counter(state, _event, _feature);
        return counter is null ? (0, 0) : (counter.LastHours(now, 24), counter.Days(now, 28, daysAgo: 1) / 28.0);
    }
}
