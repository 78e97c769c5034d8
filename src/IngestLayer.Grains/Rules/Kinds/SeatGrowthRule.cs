using IngestLayer.Contracts;
using IngestLayer.Grains.Signals;

namespace IngestLayer.Grains.Rules.Kinds;

/// <summary>
/// <c>seat_growth</c>, by <c>metric</c>: <c>invites</c> (default) fires at <c>min_count</c> (default 3) or more
/// <c>event</c>s (default <c>team member invited</c>) in the last 7 days; <c>active_users</c> fires when the last 7 days'
/// active users are up at least <c>percent</c> on the 7 days before, from at least <c>min_baseline</c> users.
/// </summary>
public sealed class SeatGrowthRule(RuleDefinition definition) : CompiledRule(definition)
{
    public const string Invites = "invites";
    public const string ActiveUsers = "active_users";
    public const string DefaultInviteEvent = "team member invited";

    private readonly bool _byInvites = (definition.Parameters.Metric ?? Invites) == Invites;
    private readonly string _event = definition.Parameters.Event ?? DefaultInviteEvent;
    private readonly long _minCount = definition.Parameters.MinCount ?? 3;
    private readonly double _percent = definition.Parameters.Percent ?? 20;
    private readonly long _minBaseline = definition.Parameters.MinBaseline ?? 5;

    public override bool Holds(AccountState state, DateTimeOffset now)
    {
        if (_byInvites)
        {
            return Invited(state, now) >= _minCount;
        }

        var (current, previous) = state.ActiveUsers.WeekOverWeek(now);
        return previous >= _minBaseline && current > previous && current >= previous * (1 + (_percent / 100));
    }

    public override AlertBody Describe(AccountState state, string accountId, IngestEvent? trigger, DateTimeOffset now)
    {
        var display = RuleText.Display(state, accountId);
        if (_byInvites)
        {
            var invited = Invited(state, now);
            return new AlertBody(SignalNames.Expansion, "Expansion: seat growth", _event,
                $"{display} sent {RuleText.Times(invited, "invite")} ({_event}) in the last 7 days; it has {RuleText.Times(state.Members.Count, "member")}.",
                [new("Invites (7d)", RuleText.Number(invited)), new("Members", RuleText.Number(state.Members.Count)), new("Rule", $"at least {RuleText.Number(_minCount)} in 7d"), new("Plan", state.Plan ?? "unknown")]);
        }

        var (current, previous) = state.ActiveUsers.WeekOverWeek(now);
        var up = (current - previous) * 100.0 / previous;
        return new AlertBody(SignalNames.Expansion, "Expansion: seat growth", ActiveUsers,
            $"{display} had {RuleText.Times(current, "active user")} in the last 7 days, up {RuleText.Number(up)}% from {previous} the week before.",
            [new("Active users (7d)", RuleText.Number(current)), new("Active users (previous 7d)", RuleText.Number(previous)), new("Rule", $"up at least {RuleText.Number(_percent)}% from at least {RuleText.Number(_minBaseline)}"), new("Plan", state.Plan ?? "unknown")]);
    }

    private long Invited(AccountState state, DateTimeOffset now) => state.Events.Get(_event)?.Days(now, 7) ?? 0;
}
