using IngestLayer.Contracts;
using IngestLayer.Grains.Signals;

namespace IngestLayer.Grains.Rules.Kinds;

/// <summary>
/// <c>engagement_drop</c>: the last 7 days are down at least <c>percent</c> on the 7 days before, from at least
/// <c>min_baseline</c>, in active users (<c>metric</c> <c>active_users</c>, the default) or in the count of an
/// <c>event</c> or <c>feature</c> (<c>metric</c> <c>count</c>). Silence alone deepens a drop, so it is evaluated on the
/// schedule as well as after each batch.
/// </summary>
public sealed class EngagementDropRule(RuleDefinition definition) : CompiledRule(definition)
{
    public const string ActiveUsers = "active_users";
    public const string Count = "count";

    private readonly bool _byUsers = (definition.Parameters.Metric ?? ActiveUsers) == ActiveUsers;
    private readonly string? _event = definition.Parameters.Event;
    private readonly string? _feature = definition.Parameters.Feature;
    private readonly double _percent = definition.Parameters.Percent ?? 30;
    private readonly long _minBaseline = definition.Parameters.MinBaseline ?? 5;

    public override bool TimeBased => true;

    public override bool Holds(AccountState state, DateTimeOffset now)
    {
        var (current, previous) = WeekOverWeek(state, now);
        return previous >= _minBaseline && current <= previous * (1 - (_percent / 100));
    }

    public override AlertBody Describe(AccountState state, string accountId, IngestEvent? trigger, DateTimeOffset now)
    {
        var (current, previous) = WeekOverWeek(state, now);
        var what = _byUsers ? "active users" : $"uses of {RuleText.Key(_event, _feature)}";
        var down = (previous - current) * 100.0 / previous;
        return new AlertBody(SignalNames.Risk, "Risk: engagement drop", _byUsers ? ActiveUsers : _feature ?? _event,
            $"{RuleText.Display(state, accountId)} had {current} {what} in the last 7 days, down {RuleText.Number(down)}% from {previous} the week before.",
            [
                new($"{(_byUsers ? "Active users" : "Count")} (7d)", RuleText.Number(current)),
                new($"{(_byUsers ? "Active users" : "Count")} (previous 7d)", RuleText.Number(previous)),
                new("Rule", $"down at least {RuleText.Number(_percent)}% from at least {RuleText.Number(_minBaseline)}"),
                new("Last seen", RuleText.Day(state.LastSeen)),
                new("Plan", state.Plan ?? "unknown"),
            ]);
    }

    private (long Current, long Previous) WeekOverWeek(AccountState state, DateTimeOffset now)
    {
        if (_byUsers)
        {
            return state.ActiveUsers.WeekOverWeek(now);
        }

        var counter = RuleText.Counter(state, _event, _feature);
        return counter is null ? (0, 0) : (counter.Days(now, 7), counter.Days(now, 7, daysAgo: 7));
    }
}
