using System.Diagnostics;
using System.Net.Http.Headers;

namespace IngestLayer.LoadGen;

/// <summary>What an open-loop run measured. Latency is from send to answer; "from schedule" adds how late the send was.</summary>
internal sealed record OpenLoopResult(double TargetEventsPerSecond, long Requests, long Events, long Failures, TimeSpan Elapsed,
    double P50Ms, double P99Ms, double P99FromScheduleMs, TimeSpan ServerCpu, TimeSpan? DatabaseCpu)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;
}

/// <summary>
/// Open-loop load: requests scheduled at a fixed rate (request k at start + k / rate), taken in turn by
/// the workers. A request whose time has passed is sent at once, never skipped, so a slow server makes the
/// run last longer and the achieved rate fall below the target instead of hiding the delay.
/// </summary>
internal sealed class OpenLoopRunner(LoadOptions options, BatchWriter batches)
{
    public async Task<OpenLoopResult> RunAsync(Uri url, string writeKey, double eventsPerSecond, Func<TimeSpan> serverCpu, Func<TimeSpan>? databaseCpu)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", writeKey);
        var requestsPerSecond = eventsPerSecond / options.BatchSize;

        // A short lead-in at the rate, so connections are open and the server has settled to this load.
        await PhaseAsync(http, TimeSpan.FromSeconds(Math.Min(3, options.Warmup.TotalSeconds)), requestsPerSecond, null);
        var samples = new List<(double Latency, double FromSchedule)>[options.Concurrency];
        var cpuBefore = serverCpu();
        var databaseBefore = databaseCpu?.Invoke();
        var stopwatch = Stopwatch.StartNew();
        var (requests, failures) = await PhaseAsync(http, options.Duration, requestsPerSecond, samples);
        stopwatch.Stop();
        var cpu = serverCpu() - cpuBefore;
        var database = databaseCpu?.Invoke() - databaseBefore;

        var latencies = samples.SelectMany(s => s.Select(x => x.Latency)).Order().ToArray();
        var fromSchedule = samples.SelectMany(s => s.Select(x => x.FromSchedule)).Order().ToArray();
        return new OpenLoopResult(eventsPerSecond, requests, requests * options.BatchSize, failures, stopwatch.Elapsed,
            Stats.Percentile(latencies, 0.50), Stats.Percentile(latencies, 0.99), Stats.Percentile(fromSchedule, 0.99), cpu, database);
    }

    private async Task<(long Requests, long Failures)> PhaseAsync(HttpClient http, TimeSpan length, double requestsPerSecond, List<(double, double)>[]? samples)
    {
        long failures = 0, next = -1;
        var total = (long)(length.TotalSeconds * requestsPerSecond);
        var ticksPerRequest = Stopwatch.Frequency / requestsPerSecond;
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker * 7919 + Environment.TickCount);
            var mine = samples is null ? null : samples[worker] = new List<(double, double)>(4096);
            for (var k = Interlocked.Increment(ref next); k < total; k = Interlocked.Increment(ref next))
            {
                using var content = new ByteArrayContent(batches.Next(random));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var due = start + (long)(k * ticksPerRequest);
                if (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due) is { TotalMilliseconds: > 0 } wait)
                {
                    await Task.Delay(wait);
                }

                var sent = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/v1/events", content);
                await response.Content.CopyToAsync(Stream.Null);
                mine?.Add((Stopwatch.GetElapsedTime(sent).TotalMilliseconds, Stopwatch.GetElapsedTime(Math.Min(sent, due)).TotalMilliseconds));
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        await Task.WhenAll(workers);
        return (total, failures);
    }
}
