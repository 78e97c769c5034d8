using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IngestLayer.Grains.Pipelines;

/// <summary>Registers what account grains need to run pipelines: the silo's compiled cache, its counters and their reporter, and in-memory stores unless others are registered.</summary>
public static class PipelinesServiceCollectionExtensions
{
    public static IServiceCollection AddIngestLayerPipelines(this IServiceCollection services)
    {
        services.AddOptions<PipelinesOptions>().BindConfiguration(PipelinesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<PipelineCache>();
        services.TryAddSingleton<PipelineCounters>();
        services.AddHostedService<PipelineCountersReporter>();
        services.TryAddSingleton<IPipelineStore, MemoryPipelineStore>();
        services.TryAddSingleton<INamedListStore, MemoryNamedListStore>();
        return services;
    }
}
