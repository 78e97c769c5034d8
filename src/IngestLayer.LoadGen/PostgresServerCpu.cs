using System.Globalization;
using Npgsql;

namespace IngestLayer.LoadGen;

/// <summary>
/// CPU time of a local PostgreSQL server: its postmaster and every process it has forked (backends, WAL
/// writer, checkpointer, ...), read from <c>/proc</c>. The postmaster's reaped-children time is included,
/// so backends that exit between two samples still count. Linux and a server on this machine only;
/// <see cref="TryFindAsync"/> returns null otherwise. Whole server: it includes work for any database on it.
/// </summary>
internal sealed class PostgresServerCpu
{
    // USER_HZ: the unit of /proc/*/stat times; 100 on every mainstream Linux build.
    private const double TicksPerSecond = 100;
    private readonly int _postmaster;

    private PostgresServerCpu(int postmaster) => _postmaster = postmaster;

    public static async Task<PostgresServerCpu?> TryFindAsync(string connectionString)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        // The backend's parent is the postmaster; a remote server's pid is not ours to read.
        return Stat(backend) is { } stat && Comm(backend) == "postgres" && Comm(stat.ParentPid) == "postgres"
            ? new PostgresServerCpu(stat.ParentPid)
            : null;
    }

    public TimeSpan Sample()
    {
        var ticks = Stat(_postmaster) is { } own ? own.Own + own.ReapedChildren : 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Stat(pid) is { } stat && stat.ParentPid == _postmaster)
            {
                ticks += stat.Own;
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Parent pid, own user+system ticks and reaped children's ticks from <c>/proc/PID/stat</c>; null when gone.</summary>
    private static (int ParentPid, long Own, long ReapedChildren)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
        // [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime.
        var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
        return (int.Parse(f[1], CultureInfo.InvariantCulture), Field(11) + Field(12), Field(13) + Field(14));
    }
}
