using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IngestLayer.Grains.Rules;

/// <summary>Registers what the account and rules grains need for rules: the options, the silo's rule cache, and an in-memory rule store unless one is registered.</summary>
public static class RulesServiceCollectionExtensions
{
    public static IServiceCollection AddIngestLayerRules(this IServiceCollection services)
    {
        services.AddOptions<RulesOptions>().BindConfiguration(RulesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<RuleCache>();
        services.TryAddSingleton<IRuleStore, MemoryRuleStore>();
        return services;
    }
}
