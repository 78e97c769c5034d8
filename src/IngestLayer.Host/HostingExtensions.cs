using System.Text.Json;
using IngestLayer.Gateway;
using IngestLayer.Grains;
using IngestLayer.Grains.Signals;
using IngestLayer.Slack;
using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace IngestLayer.Host;

/// <summary>Wires the application's parts into the host: the silo, the storage seam, the gateway and delivery.</summary>
public static class HostingExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(AppClock.Key, (sp, _) => sp.GetRequiredService<TimeProvider>());

        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        services.AddOptions<SiloOptions>().BindConfiguration(SiloOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.UseOrleans(orleans =>
        {
            // Embedded mode: one silo on loopback, grain state in memory.
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
            orleans.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = silo.ServiceId;
                o.ClusterId = silo.ClusterId;
            });
            orleans.AddIngestLayerGrainStorage();
        });

        services.AddOptions<EmbeddedOptions>().BindConfiguration(EmbeddedOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MemoryEventLog>();
        services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<MemoryEventLog>());
        services.AddSingleton<IAlertOutbox, MemoryAlertOutbox>();
        services.AddSingleton<IOwnerStore, MemoryOwnerStore>();

        services.AddOptions<SignalOptions>()
            .BindConfiguration(SignalOptions.Section)
            .PostConfigure(o => o.ApplyDefaults())
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddIngestGateway();
        services.AddSlackAlerts();

        // The HTTP API speaks snake_case, like the native event format.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = null;
        });
        return builder;
    }
}
