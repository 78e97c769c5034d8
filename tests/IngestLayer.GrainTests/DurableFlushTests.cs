using IngestLayer.Contracts;
using IngestLayer.Grains;
using IngestLayer.Grains.Live;
using IngestLayer.Grains.Pipelines;
using IngestLayer.Grains.Rules;
using IngestLayer.Grains.Signals;
using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.TestingHost;

namespace IngestLayer.GrainTests;

/// <summary>A one-silo cluster whose grains believe their storage is durable, flushing every 200 ms into a recorder.</summary>
public sealed class DurableFlushCluster : IAsyncLifetime
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    public RecordingGrainStorage Storage { get; } = new();

    /// <summary>The log backtests read (durable mode's log keeps event bodies).</summary>
    public ListEventLog Log { get; } = new();

    public MemoryOwnerStore Owners { get; } = new();

    /// <summary>Where account grains enqueue the alerts they fire.</summary>
    public MemoryAlertOutbox Outbox { get; } = new(Options.Create(new EmbeddedOptions()), TimeProvider.System);

    public InProcessTestCluster Cluster { get; }

    public DurableFlushCluster()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddIngestLayerLiveStreams();
            silo.Services.AddGrainStorage(GrainStorage.Name, (_, _) => Storage);
            silo.Services.AddKeyedSingleton(AppClock.Key, TimeProvider.System);
            silo.Services.AddSingleton<IAlertOutbox>(Outbox);
            silo.Services.AddOptions<SignalOptions>().Configure(o => o.ApplyDefaults());
            silo.Services.AddIngestLayerRules();
            silo.Services.AddIngestLayerPipelines();
            silo.UseInMemoryReminderService(); // durable mode's time-based rules run on reminders
            silo.Services.AddSingleton<IEventLog>(Log);
            silo.Services.AddSingleton<IOwnerStore>(Owners);
            silo.Services.AddOptions<GrainStateOptions>().Configure(o =>
            {
                o.DurableStorage = true;
                o.FlushInterval = FlushInterval;
            });
        });
        Cluster = builder.Build();
    }

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

public sealed class DurableFlushTests(DurableFlushCluster fixture) : IClassFixture<DurableFlushCluster>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task an_active_grain_writes_each_change_once_on_its_timer_and_nothing_while_clean()
    {
        var (id, clock) = (GrainTestEvents.NewId("flush"), GrainTestEvents.NewId("clock"));
        var (key, clockKey) = (GrainKeys.Account("default", id), GrainKeys.Account("default", clock));
        var account = fixture.Cluster.Client.GetGrain<IAccountGrain>(key);
        var e = new GrainTestEvents(DateTimeOffset.UtcNow);

        await account.ApplyAsync(new EventBatch([e.Track("u1", "report exported", id)]));
        await WritesAsync(key, 1, "the first change to be written on the timer");

        await account.ApplyAsync(new EventBatch([e.Track("u1", "report exported", id), e.Track("u2", "report exported", id)]));
        await WritesAsync(key, 2, "the second change to be written on the timer");

        // A second grain written twice marks at least one whole interval, in which the first grain, now
        // clean, had a tick of its own: it must not have written again.
        var other = fixture.Cluster.Client.GetGrain<IAccountGrain>(clockKey);
        await other.ApplyAsync(new EventBatch([e.Track("u3", "report exported", clock)]));
        await WritesAsync(clockKey, 1, "the clock grain's first write");
        await other.ApplyAsync(new EventBatch([e.Track("u3", "report exported", clock)]));
        await WritesAsync(clockKey, 2, "the clock grain's second write");

        // Each write carried the state as it was: 1 event, then 3.
        Assert.Equal([1L, 3L], fixture.Storage.WritesOf(key));
    }

    private async Task WritesAsync(string key, int count, string awaited)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (fixture.Storage.WritesOf(key).Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Patience.TotalSeconds}s waiting for {awaited} (flush interval {DurableFlushCluster.FlushInterval.TotalMilliseconds} ms).");
            }
            await Task.Delay(20);
        }
    }
}
