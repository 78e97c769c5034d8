using System.Diagnostics;

namespace IngestLayer.LoadGen;

/// <summary>
/// A server under test in a child process of its own (this program with <c>--serve</c>), so the load
/// generator's garbage and the server's live data never share a heap: what is measured is the server
/// as it would run, with the client beside it on the same cores.
/// </summary>
internal sealed class TargetProcess : IAsyncDisposable
{
    private const string ReadyPrefix = "LISTENING ";
    private readonly Process _process;

    private TargetProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>CPU time the server process has used so far (user and kernel).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public static async Task<TargetProcess> StartAsync(string target)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(TargetProcess).Assembly.Location);
        }

        start.ArgumentList.Add("--serve");
        start.ArgumentList.Add(target);
        var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(); // keep draining so the child never blocks on a full pipe
                return new TargetProcess(process, new Uri(line[ReadyPrefix.Length..]));
            }
        }

        throw new InvalidOperationException($"The {target} server exited before it listened (exit code {process.ExitCode}).");
    }

    /// <summary>Run in the child: announce the URL, then serve until the parent closes standard input.</summary>
    public static async Task ServeUntilParentLeavesAsync(Uri url)
    {
        Console.WriteLine(ReadyPrefix + url);
        await Console.In.ReadToEndAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
