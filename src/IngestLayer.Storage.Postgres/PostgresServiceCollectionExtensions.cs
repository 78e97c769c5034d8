using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Registers durable mode's database access: one <see cref="NpgsqlDataSource"/> (one pool), the migrator,
/// and the storage seam on PostgreSQL — <see cref="IEventLog"/>, <see cref="IAlertOutbox"/>, <see cref="IOwnerStore"/>,
/// <see cref="IOwnerPreferenceStore"/>, <see cref="IRuleStore"/>, <see cref="IPipelineStore"/>, <see cref="INamedListStore"/>, <see cref="ISourceStore"/>, <see cref="ISlackThreadStore"/> and <see cref="ISlackInstallationStore"/> — replacing any in-memory ones registered before;
/// and the Data Protection key ring in PostgreSQL (<see cref="PostgresXmlRepository"/>), so every host decrypts what another encrypted.
/// </summary>
public static class PostgresServiceCollectionExtensions
{
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string connectionString, Action<PostgresOptions>? configure = null)
    {
        services.AddOptions<PostgresOptions>()
            .Configure(o =>
            {
                o.ConnectionString = connectionString;
                configure?.Invoke(o);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgresOptions>>().Value;
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return builder.Build();
        });
        services.TryAddSingleton(sp => new SchemaMigrator(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<ILogger<SchemaMigrator>>(),
            timeout: sp.GetRequiredService<IOptions<PostgresOptions>>().Value.MigrationTimeout));

        services.TryAddSingleton<PostgresEventLog>();
        services.RemoveAll<IEventLog>();
        services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<PostgresEventLog>());

        services.TryAddSingleton(sp => new PostgresAlertOutbox(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.RemoveAll<IAlertOutbox>();
        services.AddSingleton<IAlertOutbox>(sp => sp.GetRequiredService<PostgresAlertOutbox>());

        services.TryAddSingleton<PostgresOwnerStore>();
        services.RemoveAll<IOwnerStore>();
        services.AddSingleton<IOwnerStore>(sp => sp.GetRequiredService<PostgresOwnerStore>());

        services.TryAddSingleton<PostgresOwnerPreferenceStore>();
        services.RemoveAll<IOwnerPreferenceStore>();
        services.AddSingleton<IOwnerPreferenceStore>(sp => sp.GetRequiredService<PostgresOwnerPreferenceStore>());

        services.TryAddSingleton<PostgresRuleStore>();
        services.RemoveAll<IRuleStore>();
        services.AddSingleton<IRuleStore>(sp => sp.GetRequiredService<PostgresRuleStore>());

        services.TryAddSingleton<PostgresPipelineStore>();
        services.RemoveAll<IPipelineStore>();
        services.AddSingleton<IPipelineStore>(sp => sp.GetRequiredService<PostgresPipelineStore>());

        services.TryAddSingleton<PostgresNamedListStore>();
        services.RemoveAll<INamedListStore>();
        services.AddSingleton<INamedListStore>(sp => sp.GetRequiredService<PostgresNamedListStore>());

        services.TryAddSingleton<PostgresSourceStore>();
        services.RemoveAll<ISourceStore>();
        services.AddSingleton<ISourceStore>(sp => sp.GetRequiredService<PostgresSourceStore>());
        services.TryAddSingleton<PostgresWebhookSourceStore>();
        services.RemoveAll<IWebhookSourceStore>();
        services.AddSingleton<IWebhookSourceStore>(sp => sp.GetRequiredService<PostgresWebhookSourceStore>());

        services.TryAddSingleton<PostgresSlackThreadStore>();
        services.RemoveAll<ISlackThreadStore>();
        services.AddSingleton<ISlackThreadStore>(sp => sp.GetRequiredService<PostgresSlackThreadStore>());

        services.TryAddSingleton<PostgresSlackInstallationStore>();
        services.RemoveAll<ISlackInstallationStore>();
        services.AddSingleton<ISlackInstallationStore>(sp => sp.GetRequiredService<PostgresSlackInstallationStore>());

        // The key ring every host shares; the host runs PostgresKeyRing.EnsureKeyAsync at start-up so the first key is made once.
        services.AddDataProtection();
        services.AddOptions<KeyManagementOptions>()
            .Configure<NpgsqlDataSource>((o, dataSource) => o.XmlRepository = new PostgresXmlRepository(dataSource));
        services.TryAddSingleton<PostgresKeyRing>();
        return services;
    }
}
