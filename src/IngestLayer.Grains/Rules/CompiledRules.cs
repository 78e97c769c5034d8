using IngestLayer.Contracts;
using IngestLayer.Grains.Rules.Kinds;

namespace IngestLayer.Grains.Rules;

/// <summary>A workspace's enabled rules, compiled and sorted by when they are evaluated.</summary>
public sealed class CompiledRules
{
    public static readonly CompiledRules Empty = Compile(new RuleSet([], IsDefault: false));

    private CompiledRules(RuleSet source, CompiledRule[] all)
    {
        Source = source;
        All = all;
        PerEvent = [.. all.Where(r => r.PerEvent)];
        PerBatch = [.. all.Where(r => !r.PerEvent)];
        TimeBased = [.. all.Where(r => r.TimeBased)];
    }

    public RuleSet Source { get; }

    public CompiledRule[] All { get; }

    /// <summary>Evaluated after each event they are moved by.</summary>
    public CompiledRule[] PerEvent { get; }

    /// <summary>Evaluated once after each applied batch.</summary>
    public CompiledRule[] PerBatch { get; }

    /// <summary>Also evaluated on the schedule, with no event.</summary>
    public CompiledRule[] TimeBased { get; }

    public static CompiledRules Compile(RuleSet set) =>
        new(set, [.. set.Rules.Where(r => r.Enabled).Select(Compile).OfType<CompiledRule>()]);

    /// <summary>The rule's evaluator; null for a kind this version does not know (stored by a newer one), which is skipped.</summary>
    public static CompiledRule? Compile(RuleDefinition rule) => rule.Kind switch
    {
        RuleKinds.PaidFeatureOnFreePlan => new PaidFeatureRule(rule),
        RuleKinds.PaymentFailed or RuleKinds.BillingLimitHit or RuleKinds.SubscriptionCancelled => new BillingStatusRule(rule),
        RuleKinds.UsageSpike => new UsageSpikeRule(rule),
        RuleKinds.SeatGrowth => new SeatGrowthRule(rule),
        RuleKinds.EngagementDrop => new EngagementDropRule(rule),
        RuleKinds.Inactivity => new InactivityRule(rule),
        RuleKinds.Threshold => new ThresholdRule(rule),
        RuleKinds.HealthScore => new HealthScoreRule(rule),
        _ => null,
    };
}
