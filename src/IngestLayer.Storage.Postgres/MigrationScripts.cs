using System.Reflection;

namespace IngestLayer.Storage.Postgres;

/// <summary>The <c>db/*.sql</c> files compiled into this assembly, in the order they apply.</summary>
public static class MigrationScripts
{
    private const string ResourcePrefix = "IngestLayer.Db.";

    public static IReadOnlyList<MigrationScript> Embedded()
    {
        var assembly = typeof(MigrationScripts).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => new MigrationScript(n[ResourcePrefix.Length..], Read(assembly, n)))
            .ToList();
        return Ordered(scripts);
    }

    /// <summary>Sorts by version and refuses two files with one version (two branches each adding "0006").</summary>
    public static IReadOnlyList<MigrationScript> Ordered(IEnumerable<MigrationScript> scripts)
    {
        var ordered = scripts.OrderBy(s => s.Version).ToList();
        var clash = ordered.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new InvalidOperationException(
                $"Two migrations share version {clash.Key}: {string.Join(", ", clash.Select(s => s.FileName))}.");
        }
        return ordered;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration '{resource}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
