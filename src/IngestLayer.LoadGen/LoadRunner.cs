using System.Diagnostics;
using System.Net.Http.Headers;

namespace IngestLayer.LoadGen;

/// <summary>What one timed run measured.</summary>
internal sealed record RunResult(string Target, long Requests, long Events, long Failures, TimeSpan Elapsed, double P50Ms, double P99Ms, TimeSpan ServerCpu, TimeSpan? DatabaseCpu = null)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;

    /// <summary>
    /// Server CPU time per event: unlike throughput, it barely moves when other work shares the machine,
    /// so it is the figure to compare changes by on a noisy host.
    /// </summary>
    public double ServerCpuMicrosPerEvent => Events == 0 ? double.NaN : ServerCpu.TotalMicroseconds / Events;

    /// <summary>Durable mode: the PostgreSQL server's CPU time per event (null when it could not be read).</summary>
    public double? DatabaseCpuMicrosPerEvent => DatabaseCpu is not { } cpu ? null : Events == 0 ? double.NaN : cpu.TotalMicroseconds / Events;
}

/// <summary>
/// Closed-loop load: N workers each send a batch, wait for the answer, and send the next. By default native batches to
/// <c>/v1/events</c> with the write key as a bearer token; a <see cref="WireFormat"/> changes the body, path and credentials.
/// </summary>
internal sealed class LoadRunner(LoadOptions options, BatchWriter batches, WireFormat? format = null)
{
    private readonly SdkLoadRunner? _sdk = options.Client == "sdk" ? new SdkLoadRunner(options, new EventGenerator(options)) : null;
    private readonly HashSet<Uri> _warmed = [];

    public async Task<RunResult> RunAsync(string target, Uri url, string writeKey, Func<TimeSpan> serverCpu, Func<TimeSpan>? databaseCpu = null)
    {
        var warmup = _warmed.Add(url) ? options.FirstWarmup : options.Warmup;
        if (_sdk is not null)
        {
            return await _sdk.RunAsync(target, url, writeKey, warmup, serverCpu, databaseCpu);
        }

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = format is null ? new AuthenticationHeaderValue("Bearer", writeKey) : format.Authorization(writeKey);

        await PhaseAsync(http, warmup, null);
        var latencies = new List<double>[options.Concurrency];
        var cpuBefore = serverCpu();
        var databaseBefore = databaseCpu?.Invoke();
        var stopwatch = Stopwatch.StartNew();
        var (requests, failures) = await PhaseAsync(http, options.Duration, latencies);
        stopwatch.Stop();
        var cpu = serverCpu() - cpuBefore;
        var database = databaseCpu?.Invoke() - databaseBefore;

        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new RunResult(target, requests, requests * options.BatchSize, failures, stopwatch.Elapsed, Stats.Percentile(all, 0.50), Stats.Percentile(all, 0.99), cpu, database);
    }

    private async Task<(long Requests, long Failures)> PhaseAsync(HttpClient http, TimeSpan length, List<double>[]? latencies)
    {
        long requests = 0, failures = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker * 7919 + Environment.TickCount);
            var mine = latencies is null ? null : latencies[worker] = new List<double>(4096);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                using var content = new ByteArrayContent(format is null ? batches.Next(random) : format.Next(random));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(format?.Path ?? "/v1/events", content);
                await response.Content.CopyToAsync(Stream.Null);
                mine?.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Interlocked.Increment(ref requests);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        await Task.WhenAll(workers);
        return (requests, failures);
    }
}
