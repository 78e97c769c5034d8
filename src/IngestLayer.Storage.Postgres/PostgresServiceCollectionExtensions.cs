using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>Registers durable mode's database access: one <see cref="NpgsqlDataSource"/> (one pool) and the migrator.</summary>
public static class PostgresServiceCollectionExtensions
{
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string connectionString)
    {
        services.AddOptions<PostgresOptions>()
            .Configure(o => o.ConnectionString = connectionString)
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
        return services;
    }
}
