using System.Net;
using IngestLayer.Grains;
using Orleans.Configuration;

namespace IngestLayer.Host;

/// <summary>
/// Durable mode's silo: ADO.NET clustering, grain state and reminders on the PostgreSQL database, so any
/// number of hosts pointed at one database form one cluster and a grain's state outlives its host.
/// </summary>
internal static class DurableSilo
{
    /// <summary>The ADO.NET providers load Npgsql by this name; their default is SQL Server's.</summary>
    public const string Invariant = "Npgsql";

    public static ISiloBuilder UseDurableCluster(this ISiloBuilder orleans, string connectionString, SiloOptions silo)
    {
        orleans.Configure<ClusterOptions>(o =>
        {
            // ServiceId is part of every stored grain key: it must stay the same across deployments.
            o.ServiceId = silo.ServiceId;
            o.ClusterId = silo.ClusterIdFor(durable: true);
        });
        // Loopback, or Orleans advertises whichever interface it picks first; two hosts on one machine
        // differ by their ports.
        orleans.ConfigureEndpoints(IPAddress.Loopback, silo.SiloPort, silo.GatewayPort);
        orleans.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });

        // Same serializer as the embedded mode's memory storage: the state types rely on it.
        orleans.UseIngestLayerGrainStorageSerializer();
        orleans.AddAdoNetGrainStorage(GrainStorage.Name, o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        orleans.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        return orleans;
    }
}
