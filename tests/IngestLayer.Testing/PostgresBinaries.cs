namespace IngestLayer.Testing;

/// <summary>Finds <c>initdb</c> and <c>pg_ctl</c>: on the PATH, else in Debian's <c>/usr/lib/postgresql/N/bin</c>.</summary>
internal static class PostgresBinaries
{
    public static string? FindBinDirectory()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        if (onPath is not null)
        {
            return onPath;
        }
        const string debian = "/usr/lib/postgresql";
        if (!Directory.Exists(debian))
        {
            return null;
        }
        // Highest major version first.
        return Directory.GetDirectories(debian)
            .Select(d => (Dir: Path.Combine(d, "bin"), Major: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
            .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")))
            .OrderByDescending(x => x.Major)
            .Select(x => x.Dir)
            .FirstOrDefault();
    }
}
