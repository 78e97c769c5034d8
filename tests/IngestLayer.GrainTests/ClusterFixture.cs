using IngestLayer.Grains;
using IngestLayer.Grains.Live;
using IngestLayer.Grains.Pipelines;
using IngestLayer.Grains.Rules;
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

    /// <summary>One rule store shared by both silos, as one database would be.</summary>
    public MemoryRuleStore RuleStore { get; } = new();

    public InProcessTestCluster Cluster { get; }

    public ClusterFixture()
    {
        Outbox = new MemoryAlertOutbox(Options.Create(new EmbeddedOptions()), Time);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddIngestLayerLiveStreams();
            silo.AddIngestLayerGrainStorage();
            silo.Services.AddKeyedSingleton<TimeProvider>(AppClock.Key, Time);
            silo.Services.AddSingleton<IAlertOutbox>(Outbox);
            silo.Services.AddOptions<SignalOptions>().Configure(o =>
            {
                o.PaidFeatures = ["csv.export", "api.access"];
                o.ApplyDefaults();
            });
            silo.Services.AddSingleton<IRuleStore>(RuleStore);
            silo.Services.AddIngestLayerRules();
            silo.Services.AddIngestLayerPipelines();
            // Both silos ask the rules grain on every batch, so a rule saved on one silo applies on the other at once.
            silo.Services.Configure<RulesOptions>(o => o.RefreshInterval = TimeSpan.Zero);
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
