using System.Globalization;
using IngestLayer.Grains.Counters;

namespace IngestLayer.Grains.Rules;

/// <summary>Wording and counter look-ups the rule kinds share.</summary>
internal static class RuleText
{
    public static string Display(AccountState state, string accountId) =>
        state.Name is { Length: > 0 } name && name != accountId ? $"{name} ({accountId})" : accountId;

    public static string Times(long n, string unit = "time") => n == 1 ? $"1 {unit}" : $"{n} {unit}s";

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "never";

    /// <summary>The counter a rule watches: the feature's when it names one, else the event's.</summary>
    public static WindowedCounter? Counter(AccountState state, string? eventName, string? feature) =>
        feature is not null ? state.Features.Get(feature) : eventName is not null ? state.Events.Get(eventName) : null;

    /// <summary>How the watched key reads in a sentence: <c>feature csv.export</c> or <c>event "report exported"</c>.</summary>
    public static string Key(string? eventName, string? feature) => feature is not null ? $"feature {feature}" : $"event \"{eventName}\"";

    // A plain loop: LINQ's Contains with a comparer boxes an enumerator, and this runs per paid-feature event.
    public static bool PlanIn(IReadOnlyList<string> plans, string? plan)
    {
        if (plan is null)
        {
            return false;
        }

        for (var i = 0; i < plans.Count; i++)
        {
            if (string.Equals(plans[i], plan, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
