using Npgsql;

namespace IngestLayer.LoadGen;

/// <summary>
/// The two fresh databases of one durable run, on the server the user named: one for the gateway, one
/// for the Npgsql ceiling, so neither target (nor any earlier run) sees the other's rows. Dropped on
/// dispose unless kept.
/// </summary>
internal sealed class DurableTargets : IAsyncDisposable
{
    private readonly string _given;
    private readonly string _admin;
    private readonly bool _keep;

    private DurableTargets(string given, string prefix, bool keep)
    {
        _given = given;
        _admin = new NpgsqlConnectionStringBuilder(given) { Pooling = false }.ToString();
        _keep = keep;
        GatewayDatabase = prefix + "_gateway";
        CeilingDatabase = prefix + "_ceiling";
    }

    public string GatewayDatabase { get; }
    public string CeilingDatabase { get; }
    public string Gateway => On(GatewayDatabase);
    public string Ceiling => On(CeilingDatabase);

    /// <summary>Connection string to the database named by the user (the maintenance connection), unpooled.</summary>
    public string Admin => _admin;

    public static async Task<DurableTargets> CreateAsync(string connectionString, bool keep)
    {
        var targets = new DurableTargets(connectionString, $"loadgen_{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}", keep);
        await targets.ExecuteAsync($"CREATE DATABASE {targets.GatewayDatabase}");
        await targets.ExecuteAsync($"CREATE DATABASE {targets.CeilingDatabase}");
        return targets;
    }

    public async ValueTask DisposeAsync()
    {
        if (_keep)
        {
            Console.WriteLine($"Kept the databases {GatewayDatabase} and {CeilingDatabase}.");
            return;
        }

        foreach (var database in new[] { GatewayDatabase, CeilingDatabase })
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    private string On(string database) => new NpgsqlConnectionStringBuilder(_given) { Database = database }.ToString();

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
