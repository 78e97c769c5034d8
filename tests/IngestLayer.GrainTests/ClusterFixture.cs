using IngestLayer.Grains;
using IngestLayer.Grains.Signals;
using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace IngestLayer.GrainTests;

/// <summary>
/// One in-process cluster of two silos for every grain test (start-up dominates), with the application
/// clock faked and one outbox shared by both silos so tests can see every alert.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    public MemoryAlertOutbox Outbox { get; }

    public InProcessTestCluster Cluster { get; }

    public ClusterFixture()
    {
        Outbox = new MemoryAlertOutbox(Options.Create(new EmbeddedOptions()), Time);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddIngestLayerGrainStorage();
            silo.Services.AddKeyedSingleton<TimeProvider>(AppClock.Key, Time);
            silo.Services.AddSingleton<IAlertOutbox>(Outbox);
            silo.Services.AddOptions<SignalOptions>().Configure(o =>
            {
                o.PaidFeatures = ["csv.export", "api.access"];
                o.ApplyDefaults();
            });
        });
        Cluster = builder.Build();
    }

    public IGrainFactory Grains => Cluster.Client;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
