using IngestLayer.Grains;
using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using Microsoft.AspNetCore.DataProtection;

namespace IngestLayer.Host;

/// <summary>
/// The one place that chooses the storage seam's implementations (event log, alert outbox) and how grains
/// write their state, for the mode the host runs in.
/// </summary>
internal static class StorageServices
{
    public static IServiceCollection AddStorage(this IServiceCollection services, StorageMode mode, string hostId)
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
            // The data source and migrator, the event log, outbox and owner store on PostgreSQL, and the
            // ledger that lets the dispatcher replay this host's acknowledged events after a crash.
            services.AddPostgresStorage(connectionString, o => o.HostInstanceId = hostId);
            services.AddSingleton<IDispatchLedger, PostgresDispatchLedger>();
            return services;
        }

        services.AddSingleton<MemoryEventLog>();
        services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<MemoryEventLog>());
        services.AddSingleton<IAlertOutbox, MemoryAlertOutbox>();
        services.AddSingleton<IOwnerStore, MemoryOwnerStore>();
        services.AddSingleton<IOwnerPreferenceStore, MemoryOwnerPreferenceStore>();
        services.AddSingleton<IRuleStore, MemoryRuleStore>();
        services.AddSingleton<IPipelineStore, MemoryPipelineStore>();
        services.AddSingleton<INamedListStore, MemoryNamedListStore>();
        services.AddSingleton<ISourceStore, MemorySourceStore>();
        services.AddSingleton<IWebhookSourceStore, MemoryWebhookSourceStore>();
        services.AddSingleton<ISlackThreadStore, MemorySlackThreadStore>();
        services.AddSingleton<ISlackInstallationStore, MemorySlackInstallationStore>();

        // Installations live in memory here, so the keys that encrypt their tokens need not outlive the process
        // either (nor be written to the user's profile). Durable mode keeps the key ring in PostgreSQL instead.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        return services;
    }
}
