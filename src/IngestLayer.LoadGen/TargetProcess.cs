using System.Diagnostics;
using System.Threading.Channels;

namespace IngestLayer.LoadGen;

/// <summary>
/// A server under test in a child process of its own (this program with <c>--serve</c>), so the load
/// generator's garbage and the server's live data never share a heap: what is measured is the server
/// as it would run, with the client beside it on the same cores. A child that does the load itself (the
/// Npgsql ceiling) takes commands on standard input and answers each with one line.
/// </summary>
internal sealed class TargetProcess : IAsyncDisposable
{
    private const string ReadyPrefix = "LISTENING ";
    private const string ReplyPrefix = "REPLY ";
    private readonly Process _process;
    private readonly Channel<string> _replies = Channel.CreateUnbounded<string>();

    private TargetProcess(Process process, string address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>What the child announced: its URL, or for a command child what it works on.</summary>
    public string Address { get; }

    public Uri Url => new(Address);

    /// <summary>CPU time the server process has used so far (user and kernel).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public static async Task<TargetProcess> StartAsync(string target, params IEnumerable<string> arguments)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(TargetProcess).Assembly.Location);
        }

        start.ArgumentList.Add("--serve");
        start.ArgumentList.Add(target);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
            {
                var started = new TargetProcess(process, line[ReadyPrefix.Length..]);
                _ = started.PumpAsync(); // keep draining so the child never blocks on a full pipe
                return started;
            }
        }

        throw new InvalidOperationException($"The {target} server exited before it listened (exit code {process.ExitCode}).");
    }

    /// <summary>Sends a command to a command child (see <see cref="ServeCommandsAsync"/>) and returns its answer.</summary>
    public async Task<string> RequestAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return await _replies.Reader.ReadAsync();
    }

    /// <summary>Run in a command child: announce, then answer each line of standard input until the parent closes it.</summary>
    public static async Task ServeCommandsAsync(string address, Func<string, Task<string>> handle)
    {
        Console.WriteLine(ReadyPrefix + address);
        while (await Console.In.ReadLineAsync() is { } command)
        {
            Console.WriteLine(ReplyPrefix + await handle(command));
        }
    }

    /// <summary>Run in the child: announce the URL, then serve until the parent closes standard input.</summary>
    public static async Task ServeUntilParentLeavesAsync(Uri url)
    {
        Console.WriteLine(ReadyPrefix + url);
        await Console.In.ReadToEndAsync();
    }

    private async Task PumpAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(ReplyPrefix, StringComparison.Ordinal))
            {
                _replies.Writer.TryWrite(line[ReplyPrefix.Length..]);
            }
        }

        _replies.Writer.TryComplete(new InvalidOperationException($"The child process exited (code {(_process.HasExited ? _process.ExitCode : -1)}) without answering."));
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
