using System.Globalization;
using IngestLayer.Contracts;

namespace IngestLayer.Grains.Health;

/// <summary>
/// An account's health, 0–100, from its grain state: four components of up to 25 points each, so the score
/// reads as "how many of the four are fine".
/// <list type="bullet">
/// <item><c>breadth</c>: distinct features used in the last 28 days, 5 points each (5 or more: full).</item>
/// <item><c>active_users_trend</c>: active users in the last 7 days against the 7 before: 25 when level or up,
/// proportionally less when down; 25 for a first week of activity, 0 when there is none.</item>
/// <item><c>event_trend</c>: the same for the account's event count.</item>
/// <item><c>billing</c>: ok 25, billing limit hit 20 (demand, not trouble), payment failed 5, cancelled 0.</item>
/// </list>
/// </summary>
public static class HealthScore
{
    public const int ComponentMax = 25;

    public static HealthSnapshot Compute(AccountState state, DateTimeOffset now)
    {
        var features = state.Features.Counters.Count(c => c.Days(now, 28) > 0);
        var breadth = Math.Min(ComponentMax, features * 5);

        var (users, usersBefore) = state.ActiveUsers.WeekOverWeek(now);
        long events = 0, eventsBefore = 0;
        foreach (var counter in state.Events.Counters)
        {
            events += counter.Days(now, 7);
            eventsBefore += counter.Days(now, 7, daysAgo: 7);
        }

        var billing = state.Billing.Status switch
        {
            BillingStatus.Ok => ComponentMax,
            BillingStatus.LimitHit => 20,
            BillingStatus.PaymentFailed => 5,
            _ => 0,
        };

        HealthComponent[] components =
        [
            new("breadth", breadth, ComponentMax, $"{Plural(features, "feature")} used in the last 28 days"),
            new("active_users_trend", Trend(users, usersBefore), ComponentMax, $"{Plural(users, "active user")} in the last 7 days, {usersBefore} the 7 before"),
            new("event_trend", Trend(events, eventsBefore), ComponentMax, $"{Plural(events, "event")} in the last 7 days, {eventsBefore} the 7 before"),
            new("billing", billing, ComponentMax, $"billing {state.Billing.Status}"),
        ];
        return new HealthSnapshot(components.Sum(c => c.Points), components);
    }

    private static int Trend(long current, long previous) => (current, previous) switch
    {
        (0, _) => 0,
        (_, 0) => ComponentMax,
        _ when current >= previous => ComponentMax,
        _ => (int)Math.Round(ComponentMax * (double)current / previous, MidpointRounding.AwayFromZero),
    };

    private static string Plural(long n, string unit) => n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? "" : "s");
}
