using System.Diagnostics;
using IngestLayer.Client;

namespace IngestLayer.LoadGen;

/// <summary>
/// <c>--client sdk</c>: the same generated events tracked through <see cref="IngestLayerClient"/> instead of posted
/// as pre-built batches. One client per worker (as many application instances would have), each with its own
/// background batching and one request in flight; workers enqueue with <see cref="OverflowPolicy.Wait"/>, so
/// they run at the rate the target takes events. Throughput counts events the target acknowledged in the
/// timed window; requests are estimated as events / batch size, and request latency, which is not observable
/// from outside the client, is reported as NaN.
/// </summary>
internal sealed class SdkLoadRunner(LoadOptions options, EventGenerator generator)
{
    public async Task<RunResult> RunAsync(string target, Uri url, string writeKey, TimeSpan warmup, Func<TimeSpan> serverCpu, Func<TimeSpan>? databaseCpu = null)
    {
        var clients = Enumerable.Range(0, options.Concurrency).Select(_ => new IngestLayerClient(new IngestLayerClientOptions
        {
            WriteKey = writeKey,
            Host = url,
            BatchSize = options.BatchSize,
            // Under load batches fill long before this; it only bounds the tail of a phase.
            FlushInterval = TimeSpan.FromMilliseconds(200),
            MaxQueueSize = options.BatchSize * 4,
            Overflow = OverflowPolicy.Wait,
        })).ToArray();
        try
        {
            await PhaseAsync(clients, warmup);
            var before = Totals(clients);
            var cpuBefore = serverCpu();
            var databaseBefore = databaseCpu?.Invoke();
            var stopwatch = Stopwatch.StartNew();
            await PhaseAsync(clients, options.Duration);
            stopwatch.Stop();
            var after = Totals(clients);
            var cpu = serverCpu() - cpuBefore;
            var database = databaseCpu?.Invoke() - databaseBefore;
            var events = after.Delivered - before.Delivered;
            var failures = after.Failed + after.Dropped - before.Failed - before.Dropped;
            return new RunResult(target, events / options.BatchSize, events, failures, stopwatch.Elapsed, double.NaN, double.NaN, cpu, database);
        }
        finally
        {
            // Sends what the last phase left queued; outside the timed window.
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private async Task PhaseAsync(IngestLayerClient[] clients, TimeSpan length)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(clients.Select((client, worker) => Task.Run(async () =>
        {
            var random = new Random(worker * 7919 + Environment.TickCount);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var e = generator.Next(random);
                object properties = e.Feature is not null
                    ? new { feature = e.Feature, count = LoadEvent.Count, plan = e.Plan, source = "loadgen" }
                    : new { url = e.Url, plan = e.Plan, source = "loadgen" };
                // The client gives each event its message id, as it would in an application.
                await client.IngestAsync(new IngestLayerEvent(e.Name) { UserId = e.UserId, AccountId = e.AccountId, Timestamp = e.Timestamp, Properties = properties });
            }
        })));
    }

    private static IngestLayerClientStats Totals(IngestLayerClient[] clients) =>
        clients.Select(c => c.Stats).Aggregate((a, b) => new IngestLayerClientStats(
            a.Enqueued + b.Enqueued, a.Delivered + b.Delivered, a.Dropped + b.Dropped, a.Failed + b.Failed));
}
