using IngestLayer.Contracts;
using IngestLayer.Grains.Signals;

namespace IngestLayer.Grains.Rules;

/// <summary>
/// The rule set of a workspace that has stored none: the two signals of the <c>IngestLayer:Signals</c>
/// configuration, with ids equal to their kinds so their alerts keep the ids they had before rules were data.
/// </summary>
public static class DefaultRules
{
    public static IReadOnlyList<RuleDefinition> From(SignalOptions options) =>
    [
        new RuleDefinition
        {
            Id = RuleKinds.PaidFeatureOnFreePlan,
            Kind = RuleKinds.PaidFeatureOnFreePlan,
            Parameters = new RuleParameters
            {
                Features = [.. options.PaidFeatures],
                Plans = options.FreePlans.Count > 0 ? [.. options.FreePlans] : ["free"],
                MinCount = 1,
                WindowHours = (int)Math.Ceiling(options.PaidFeatureWindow.TotalHours),
            },
            Severity = RuleSeverities.Info,
            Cooldown = options.Cooldown,
        },
        new RuleDefinition
        {
            Id = RuleKinds.PaymentFailed,
            Kind = RuleKinds.PaymentFailed,
            Severity = RuleSeverities.Critical,
            Cooldown = options.Cooldown,
        },
    ];
}
