using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;

namespace IngestLayer.ClusterTests;

/// <summary>
/// One real host process (<c>dotnet IngestLayer.Host.dll</c>, the host's own build output), configured through
/// its environment as an operator would. Its console output is kept for failure messages.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private const string UrlLine = "  URL:          ";
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the host wrote so far (for assertion messages).</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts the host and waits for its banner, which it prints once the silo and Kestrel are up.</summary>
    public static async Task<HostProcess> StartAsync(string name, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var hostDll = HostAssemblyPath();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            // The host's folder is its content root (appsettings.json).
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { hostDll, "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(name, process);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        process.Exited += (_, _) => host._listening.TrySetException(
            new InvalidOperationException($"Host {name} exited before it was listening. Output:\n{host.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            host.BaseAddress = await host._listening.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            await host.DisposeAsync();
            throw new TimeoutException($"Waited {timeout.TotalSeconds}s for host {name} to print its URL. Output:\n{host.Output}");
        }
        return host;
    }

    /// <summary>
    /// Starts a host in durable mode on <paramref name="connectionString"/> with the tests' write key and admin
    /// token, its own silo and gateway ports (<paramref name="ports"/>, or free ones), quiet logs, and
    /// <paramref name="settings"/> (environment variables) on top.
    /// </summary>
    public static Task<HostProcess> StartDurableAsync(
        string name, string connectionString, IReadOnlyDictionary<string, string>? settings = null, (int Silo, int Gateway)? ports = null)
    {
        var (silo, gateway) = ports ?? (FreePort(), FreePort());
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Orleans__SiloPort"] = silo.ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = gateway.ToString(CultureInfo.InvariantCulture),
            ["IngestLayer__AdminToken"] = TwoHostCluster.AdminToken,
            ["IngestLayer__Sources__web__WriteKey"] = TwoHostCluster.WriteKey,
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return StartAsync(name, environment, TimeSpan.FromSeconds(120));
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGTERM, as a service manager stops a host, and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> StopGracefullyAsync(TimeSpan timeout)
    {
        if (!_process.HasExited && Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) of host {Name} failed: errno {Marshal.GetLastPInvokeError()}.");
        }
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Waited {timeout.TotalSeconds}s for host {Name} to exit after SIGTERM. Output:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL (<c>kill -9</c>): no shutdown of any kind runs; waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        if (line.StartsWith(UrlLine, StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line[UrlLine.Length..].Split(',')[0].Trim()));
        }
    }

    private static string HostAssemblyPath()
    {
        var path = typeof(HostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "IngestLayer.Host.Path")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException($"The host's build output was not found at '{path}': build the solution first.");
        }
        return path;
    }

    // DllImport, not LibraryImport: the generated stub needs unsafe code for nothing but two ints.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
