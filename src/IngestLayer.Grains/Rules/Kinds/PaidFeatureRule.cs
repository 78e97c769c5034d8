using System.Globalization;
using IngestLayer.Contracts;
using IngestLayer.Grains.Signals;

namespace IngestLayer.Grains.Rules.Kinds;

/// <summary>
/// <c>paid_feature_on_free_plan</c>: the account is on one of <c>plans</c> (the free ones) and used the listed paid
/// <c>features</c> at least <c>min_count</c> times in the last <c>window_hours</c>. Moved by a paid-feature use and by
/// a group call that sets the plan, and evaluated right after such an event.
/// </summary>
public sealed class PaidFeatureRule : CompiledRule
{
    private readonly string[] _features;
    private readonly HashSet<string> _featureSet;
    private readonly IReadOnlyList<string> _plans;
    private readonly long _minCount;
    private readonly int _hours;
    private readonly ulong _lengths; // bit n: a listed feature is n long (any of 64 or more sets no bit)

    public PaidFeatureRule(RuleDefinition definition) : base(definition)
    {
        var p = definition.Parameters;
        _features = [.. p.Features ?? []];
        _featureSet = new HashSet<string>(_features, StringComparer.OrdinalIgnoreCase);
        _plans = p.Plans is { Count: > 0 } plans ? plans : ["free"];
        _minCount = p.MinCount ?? 1;
        _hours = p.WindowHours ?? 24;
        foreach (var feature in _features)
        {
            _lengths |= feature.Length < 64 ? 1UL << feature.Length : 0;
        }
    }

    public override bool PerEvent => true;

    public override bool MovedBy(IngestEvent e) =>
        (e.Feature is { } feature && IsListed(feature)) || (e.Kind == EventKind.Group && e.Traits?.ContainsKey("plan") == true);

    // Off the listed plans no count matters; on them, more uses in a window ending now can only reach the minimum.
    public override CounterReads ReadsCounters(AccountState state) =>
        RuleText.PlanIn(_plans, state.Plan) ? CounterReads.Rising : CounterReads.None;

    public override bool Holds(AccountState state, DateTimeOffset now)
    {
        if (!RuleText.PlanIn(_plans, state.Plan))
        {
            return false;
        }

        long uses = 0;
        foreach (var feature in _features)
        {
            if (state.Features.Get(feature) is { } counter && (uses += counter.LastHours(now, _hours)) >= _minCount)
            {
                return true;
            }
        }

        return false;
    }

    // Asked of every feature event, most of them unlisted: a length no listed feature has (case-insensitive equal
    // strings are as long) rules one out without hashing it.
    private bool IsListed(string feature) =>
        (feature.Length >= 64 || (_lengths & (1UL << feature.Length)) != 0) && _featureSet.Contains(feature);

    public override AlertBody Describe(AccountState state, string accountId, IngestEvent? trigger, DateTimeOffset now)
    {
        var used = _features
            .Select(f => (Feature: f, Counter: state.Features.Get(f)))
            .Where(f => f.Counter is not null && f.Counter.LastHours(now, _hours) > 0)
            .Select(f => (f.Feature, Window: f.Counter!.LastHours(now, _hours), Counts: f.Counter.Counts(now)))
            .OrderByDescending(f => f.Window)
            .ToList();
        var main = used.FirstOrDefault(f => string.Equals(f.Feature, trigger?.Feature, StringComparison.OrdinalIgnoreCase));
        if (main.Feature is null)
        {
            main = used[0];
        }

        var evidence = new List<EvidenceItem> { new("Plan", state.Plan ?? "unknown") };
        foreach (var f in used)
        {
            evidence.Add(new($"{f.Feature} uses", $"{f.Window} in {_hours}h · {f.Counts.Last7Days} in 7d · {f.Counts.Last28Days} in 28d"));
        }

        if (trigger is not null)
        {
            evidence.Add(new("Used by", trigger.UserKey));
        }

        evidence.Add(new("Active users (7d)", state.ActiveUsers.Count(now, 7).ToString(CultureInfo.InvariantCulture)));

        var others = used.Count > 1 ? $" (and {used.Count - 1} other paid feature{(used.Count > 2 ? "s" : "")})" : "";
        return new AlertBody(
            SignalNames.Expansion,
            "Expansion: free plan using a paid feature",
            main.Feature,
            $"{RuleText.Display(state, accountId)} is on the {state.Plan} plan and used the paid feature {main.Feature} {RuleText.Times(main.Window)} in the last {_hours}h{others}.",
            evidence);
    }
}
