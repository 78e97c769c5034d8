using System.Diagnostics;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// An npm package the tests run (the official Segment and PostHog clients, the TypeScript SDK): installed with
/// `npm ci` when its <c>node_modules</c> is missing or older than its lock file, then commands run in its directory.
/// </summary>
internal sealed class NodePackage(string directory)
{
    public string Directory { get; } = directory;

    // CI installs the packages with `npm ci`; later runs on the same tree reuse them unless the lock file changed.
    public async Task EnsureInstalledAsync()
    {
        var installed = Path.Combine(Directory, "node_modules", ".package-lock.json");
        if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(Directory, "package-lock.json")))
        {
            return;
        }

        var (exit, output) = await RunAsync("npm", "ci --no-audit --no-fund", TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, $"npm ci failed ({exit}):\n{output}");
    }

    /// <summary>Runs <paramref name="file"/> in the package's directory; a run past <paramref name="timeout"/> is killed with its children.</summary>
    public async Task<(int Exit, string Output)> RunAsync(string file, string arguments, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"`{file} {arguments}` timed out after {timeout.TotalMinutes} min:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
