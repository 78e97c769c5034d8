using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.StorageTests;

public sealed class PostgresStorageRegistrationTests
{
    [Fact]
    public async Task AddPostgresStorage_puts_the_whole_storage_seam_on_postgresql_over_in_memory_registrations()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(Options.Create(new EmbeddedOptions()));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IEventLog, MemoryEventLog>();
        services.AddSingleton<IAlertOutbox, MemoryAlertOutbox>();
        services.AddSingleton<IOwnerStore, MemoryOwnerStore>();
        services.AddSingleton<IOwnerPreferenceStore, MemoryOwnerPreferenceStore>();
        services.AddSingleton<ISourceStore, MemorySourceStore>();

        services.AddPostgresStorage("Host=127.0.0.1;Port=1;Username=postgres", o => o.HostInstanceId = "host-7");
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.IsType<PostgresEventLog>(provider.GetRequiredService<IEventLog>());
        Assert.IsType<PostgresAlertOutbox>(provider.GetRequiredService<IAlertOutbox>());
        Assert.IsType<PostgresOwnerStore>(provider.GetRequiredService<IOwnerStore>());
        Assert.IsType<PostgresOwnerPreferenceStore>(provider.GetRequiredService<IOwnerPreferenceStore>());
        Assert.IsType<PostgresSourceStore>(provider.GetRequiredService<ISourceStore>());
        Assert.Single(provider.GetServices<IEventLog>());
        Assert.Same(provider.GetRequiredService<IEventLog>(), provider.GetRequiredService<PostgresEventLog>());
        Assert.Equal("host-7", provider.GetRequiredService<IOptions<PostgresOptions>>().Value.HostInstanceId);
        Assert.NotNull(provider.GetRequiredService<ILogger<PostgresEventLog>>());
    }
}
