using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace IngestLayer.Testing;

/// <summary>
/// A real PostgreSQL server for tests. Uses the server named by <c>INGESTLAYER_TEST_POSTGRES</c> (an admin
/// connection string) when set; otherwise runs <c>initdb</c> in a temporary directory and starts it with
/// <c>pg_ctl</c> on a free 127.0.0.1 port (as the <c>postgres</c> user when the tests run as root, since
/// PostgreSQL refuses to run as root). Each test class gets a database of its own from
/// <see cref="CreateDatabaseAsync"/>. When no server can be had it throws: storage tests never skip.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "INGESTLAYER_TEST_POSTGRES";

    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static PostgresServer? _shared;
    private static int _sharedUsers;

    private readonly string? _dataRoot;
    private readonly string? _binDirectory;
    private readonly bool _runAsPostgresUser;

    private PostgresServer(string adminConnectionString, string? dataRoot, string? binDirectory, bool runAsPostgresUser)
    {
        AdminConnectionString = adminConnectionString;
        _dataRoot = dataRoot;
        _binDirectory = binDirectory;
        _runAsPostgresUser = runAsPostgresUser;
    }

    /// <summary>Connection string to the server's <c>postgres</c> database, with rights to create databases.</summary>
    public string AdminConnectionString { get; }

    /// <summary>Whether this process started the server (as opposed to using <see cref="EnvironmentVariable"/>).</summary>
    public bool IsOwned => _dataRoot is not null;

    /// <summary>
    /// One server shared by every test class of the process, started on first use and stopped when the
    /// last user releases it (<see cref="ReleaseSharedAsync"/>), so start-up is paid about once.
    /// </summary>
    public static async Task<PostgresServer> AcquireSharedAsync()
    {
        await SharedGate.WaitAsync();
        try
        {
            if (_shared is null)
            {
                _shared = await StartAsync();
                // Safety net for a test host that exits without disposing its fixtures: never leave a server running.
                var started = _shared;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => started.StopNow();
            }
            _sharedUsers++;
            return _shared;
        }
        finally
        {
            SharedGate.Release();
        }
    }

    public static async Task ReleaseSharedAsync()
    {
        await SharedGate.WaitAsync();
        try
        {
            if (--_sharedUsers == 0 && _shared is not null)
            {
                await _shared.DisposeAsync();
                _shared = null;
            }
        }
        finally
        {
            SharedGate.Release();
        }
    }

    /// <summary>Starts a server of this process's own (or wraps the one named by the environment variable).</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var server = new PostgresServer(configured, null, null, false);
            await server.CheckReachableAsync($"the server named by {EnvironmentVariable}");
            return server;
        }

        var bin = PostgresBinaries.FindBinDirectory() ?? throw new InvalidOperationException(
            "No PostgreSQL for the storage tests: initdb/pg_ctl are neither on the PATH nor under /usr/lib/postgresql/*/bin, " +
            $"and {EnvironmentVariable} is not set. Install PostgreSQL (apt-get install postgresql; .ci/run does this) " +
            $"or set {EnvironmentVariable} to an admin connection string.");

        var runAsPostgres = Environment.IsPrivilegedProcess;
        var root = Directory.CreateTempSubdirectory("ingestlayer-pg-").FullName;
        try
        {
            if (runAsPostgres)
            {
                // PostgreSQL will not run as root: hand the directory to the postgres user.
                await RunAsync("chown", ["-R", "postgres:postgres", root], runAs: false);
            }
            var data = Path.Combine(root, "data");
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], runAsPostgres);

            // A free port can be taken between probing and binding: try a few.
            Exception? last = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var port = FreeLoopbackPort();
                try
                {
                    // fsync off: these databases are thrown away, and the tests kill hosts, never the server.
                    var options = $"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
                    await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(root, "server.log"), "-o", options, "-w", "-t", "60", "start"], runAsPostgres);
                    var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", root, bin, runAsPostgres);
                    await server.CheckReachableAsync("the server just started");
                    return server;
                }
                catch (InvalidOperationException e)
                {
                    last = e;
                }
            }
            throw new InvalidOperationException($"PostgreSQL did not start from {bin}. Server log:\n{ReadLog(root)}", last);
        }
        catch
        {
            TryDelete(root);
            throw;
        }
    }

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string hint)
    {
        // Within PostgreSQL's 63-byte identifier limit: "t_" + up to 20 + "_" + 32.
        var name = $"t_{new string(hint.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(20).ToArray())}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing whatever is still connected.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataRoot is null || _binDirectory is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", Path.Combine(_dataRoot, "data"), "-m", "immediate", "-w", "stop"], _runAsPostgresUser);
        }
        finally
        {
            TryDelete(_dataRoot);
        }
    }

    private void StopNow()
    {
        if (_dataRoot is null || _binDirectory is null || !Directory.Exists(_dataRoot))
        {
            return;
        }
        try
        {
            RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", Path.Combine(_dataRoot, "data"), "-m", "immediate", "-w", "stop"], _runAsPostgresUser)
                .GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        TryDelete(_dataRoot);
    }

    private async Task CheckReachableAsync(string what)
    {
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString);
            await connection.OpenAsync();
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"Cannot connect to {what} ({e.Message}).", e);
        }
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> args, bool runAs)
    {
        var start = new ProcessStartInfo(runAs ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAs)
        {
            foreach (var a in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(a);
            }
        }
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ReadLog(string root)
    {
        var log = Path.Combine(root, "server.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no server log)";
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is not worth failing a test run over.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
