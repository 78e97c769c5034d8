using IngestLayer.Contracts;
using IngestLayer.Grains.Signals;

namespace IngestLayer.Grains.Rules.Kinds;

/// <summary>
/// <c>inactivity</c>: no product activity from the account for <c>days</c> days (default 14), measured from the
/// latest event time seen. Crossed by silence, so it is evaluated on the schedule; activity re-arms it.
/// </summary>
public sealed class InactivityRule(RuleDefinition definition) : CompiledRule(definition)
{
    private readonly int _days = definition.Parameters.Days ?? 14;

    public override bool TimeBased => true;

    public override bool Holds(AccountState state, DateTimeOffset now) =>
        state.LastSeen is { } last && now - last >= TimeSpan.FromDays(_days);

    public override AlertBody Describe(AccountState state, string accountId, IngestEvent? trigger, DateTimeOffset now)
    {
        var idle = (int)(now - state.LastSeen!.Value).TotalDays;
        return new AlertBody(SignalNames.Risk, "Risk: account inactive", null,
            $"{RuleText.Display(state, accountId)} has sent no events for {RuleText.Times(idle, "day")} (last seen {RuleText.Day(state.LastSeen)}).",
            [
                new("Last seen", RuleText.Day(state.LastSeen)),
                new("Days inactive", RuleText.Number(idle)),
                new("Rule", $"no events for {RuleText.Times(_days, "day")}"),
                new("Active users (28d)", RuleText.Number(state.ActiveUsers.Count(now, 28))),
                new("Plan", state.Plan ?? "unknown"),
            ]);
    }
}
