using IngestLayer.Storage.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IngestLayer.Host;

/// <summary>
/// <c>IngestLayer.Host migrate</c>: applies the durable-mode schema to <c>ConnectionStrings:Postgres</c> and
/// exits, without starting the silo or the web server (for deploy pipelines and first set-up).
/// </summary>
internal static class MigrateCommand
{
    public const string Name = "migrate";

    public static async Task<int> RunAsync(string[] args)
    {
        // The same configuration sources as the service (appsettings, environment, command line).
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(args);
        var connectionString = builder.Configuration.GetConnectionString(PostgresOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync(
                "migrate needs a PostgreSQL connection string: set ConnectionStrings__Postgres " +
                "(for example: export ConnectionStrings__Postgres='Host=127.0.0.1;Port=5432;Database=ingestlayer;Username=postgres'; " +
                "deploy/start-postgres.sh starts a local server and prints one).");
            return 2;
        }

        // Npgsql logs every command at Information: the SQL of whole migration files is noise here.
        builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        builder.Services.AddPostgresStorage(connectionString);
        using var host = builder.Build();
        var migrator = host.Services.GetRequiredService<SchemaMigrator>();
        try
        {
            var result = await migrator.MigrateAsync(CancellationToken.None);
            foreach (var script in result.Applied)
            {
                Console.Out.WriteLine($"applied  {script.FileName}");
            }
            Console.Out.WriteLine(result.Applied.Count == 0
                ? $"Schema up to date ({result.AlreadyApplied.Count} migrations already applied)."
                : $"Applied {result.Applied.Count} migration(s); {result.AlreadyApplied.Count} were already applied.");
            return 0;
        }
        catch (SchemaMigrationException e)
        {
            await Console.Error.WriteLineAsync($"migrate refused: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is NpgsqlException or OptionsValidationException or ArgumentException)
        {
            // ArgumentException: a malformed connection string. Never echo the connection string (it may hold a password).
            await Console.Error.WriteLineAsync($"migrate failed: {e.Message}");
            return 1;
        }
    }
}
