using IngestLayer.Grains;
using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IngestLayer.Host;

/// <summary>
/// The one place that chooses the storage seam's implementations (event log, alert outbox) and how grains
/// write their state, for the mode the host runs in.
/// </summary>
internal static class StorageServices
{
    public static IServiceCollection AddStorage(this IServiceCollection services, StorageMode mode)
    {
        services.AddSingleton(mode);
        services.AddOptions<GrainStateOptions>()
            .BindConfiguration(GrainStateOptions.Section)
            .Configure(o => o.DurableStorage = mode.IsDurable)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<EmbeddedOptions>().BindConfiguration(EmbeddedOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        if (mode.PostgresConnectionString is { } connectionString)
        {
            // The data source and migrator, and the PostgreSQL implementations of the seam as they land there.
            services.AddPostgresStorage(connectionString);
            // Until then the event log and the outbox stay in memory, per host. TryAdd: whatever
            // AddPostgresStorage registered wins, and the banner names what is actually in use.
            services.TryAddSingleton<IEventLog, MemoryEventLog>();
            services.TryAddSingleton<IAlertOutbox, MemoryAlertOutbox>();
            return services;
        }

        services.AddSingleton<MemoryEventLog>();
        services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<MemoryEventLog>());
        services.AddSingleton<IAlertOutbox, MemoryAlertOutbox>();
        return services;
    }
}
