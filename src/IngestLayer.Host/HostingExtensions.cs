using System.Text.Json;
using IngestLayer.Gateway;
using IngestLayer.Grains;
using IngestLayer.Grains.Live;
using IngestLayer.Grains.Pipelines;
using IngestLayer.Grains.Rules;
using IngestLayer.Grains.Signals;
using IngestLayer.Slack;
using IngestLayer.Webhooks;
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

        var mode = StorageMode.From(builder.Configuration);
        if (mode.IsDurable)
        {
            // Registered before the silo for readability only: the migration runs in the host's Starting
            // phase, which precedes every hosted service's start (see SchemaMigrationService).
            services.AddHostedService<SchemaMigrationService>();
        }

        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        services.AddOptions<SiloOptions>().BindConfiguration(SiloOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.UseOrleans(orleans =>
        {
            // Both modes: the live feeds are memory streams, a view over what the log and the outbox keep.
            orleans.AddIngestLayerLiveStreams();
            if (mode.PostgresConnectionString is { } connectionString)
            {
                orleans.UseDurableCluster(connectionString, silo);
                return;
            }

            // Embedded mode: one silo on loopback, grain state in memory.
            var clusterId = silo.ClusterIdFor(durable: false);
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: clusterId);
            orleans.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = silo.ServiceId;
                o.ClusterId = clusterId;
            });
            orleans.AddIngestLayerGrainStorage();
        });

        services.AddStorage(mode, HostId(builder.Configuration, silo));

        services.AddOptions<SignalOptions>()
            .BindConfiguration(SignalOptions.Section)
            .PostConfigure(o => o.ApplyDefaults())
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddIngestLayerRules();
        services.AddIngestLayerPipelines();

        services.AddIngestGateway();
        services.AddSlackAlerts();
        services.AddWebhookDeliveries();

        // The HTTP API speaks snake_case, like the native event format.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = null;
        });
        return builder;
    }

    /// <summary>
    /// This host's name in the durable log (<c>event_log.ingested_by</c>, its dispatch checkpoint). It must
    /// survive a restart and differ between hosts: <c>IngestLayer:HostId</c>, else the machine name and the
    /// silo port, which two hosts on one machine cannot share.
    /// </summary>
    private static string HostId(IConfiguration configuration, SiloOptions silo) =>
        configuration["IngestLayer:HostId"] is { Length: > 0 } id ? id : $"{Environment.MachineName}:{silo.SiloPort}";
}
