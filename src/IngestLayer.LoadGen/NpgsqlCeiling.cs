using System.Diagnostics;
using System.Globalization;
using IngestLayer.Storage.Postgres;
using Npgsql;

namespace IngestLayer.LoadGen;

/// <summary>What one closed-loop phase of the Npgsql ceiling did (latency per batch statement).</summary>
internal sealed record PhaseResult(long Requests, long Events, long Failures, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    public string Format() => string.Join(' ', Requests, Events, Failures, Elapsed.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
        P50Ms.ToString("R", CultureInfo.InvariantCulture), P99Ms.ToString("R", CultureInfo.InvariantCulture));

    public static PhaseResult Parse(string text) => text.Split(' ') is [var requests, var events, var failures, var elapsed, var p50, var p99]
        ? new(long.Parse(requests, CultureInfo.InvariantCulture), long.Parse(events, CultureInfo.InvariantCulture), long.Parse(failures, CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(elapsed, CultureInfo.InvariantCulture)), double.Parse(p50, CultureInfo.InvariantCulture), double.Parse(p99, CultureInfo.InvariantCulture))
        : throw new FormatException($"Not a phase result: '{text}'");
}

/// <summary>
/// The durable ceiling: the rows the gateway would store, written by a bare Npgsql loop. One worker per
/// unit of concurrency, each with its own connection and the event log's own prepared
/// <c>INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING RETURNING</c> (autocommit), generating a
/// batch and writing it, again and again. No grains, no HTTP, no group commit across workers.
/// </summary>
internal sealed class NpgsqlCeiling : IAsyncDisposable
{
    /// <summary>The child process's target name (<c>--serve npgsql-ceiling</c>).</summary>
    public const string Target = "npgsql-ceiling";
    public const string HostId = "loadgen-ceiling";
    private readonly (NpgsqlConnection Connection, NpgsqlCommand Insert, EventColumns Columns)[] _workers;

    private NpgsqlCeiling((NpgsqlConnection, NpgsqlCommand, EventColumns)[] workers) => _workers = workers;

    public static async Task<NpgsqlCeiling> OpenAsync(NpgsqlDataSource dataSource, LoadOptions options, EventGenerator generator)
    {
        var workers = new (NpgsqlConnection, NpgsqlCommand, EventColumns)[options.Concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            var connection = await dataSource.OpenConnectionAsync();
            var insert = PostgresEventLog.CreateInsertCommand(connection, HostId);
            await insert.PrepareAsync();
            workers[i] = (connection, insert, new EventColumns(generator, options.BatchSize));
        }

        return new NpgsqlCeiling(workers);
    }

    public async Task<PhaseResult> RunAsync(TimeSpan length)
    {
        long requests = 0, events = 0, failures = 0;
        var latencies = new List<double>[_workers.Length];
        var stopwatch = Stopwatch.StartNew();
        var deadline = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(_workers.Select((worker, w) => Task.Run(async () =>
        {
            var random = new Random(w * 7919 + Environment.TickCount);
            var mine = latencies[w] = new List<double>(4096);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                worker.Columns.Next(random, worker.Insert.Parameters);
                var start = Stopwatch.GetTimestamp();
                try
                {
                    var stored = 0;
                    await using (var reader = await worker.Insert.ExecuteReaderAsync())
                    {
                        // Read what the event log reads back, so both pay for the same result rows.
                        while (await reader.ReadAsync())
                        {
                            _ = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
                            stored++;
                        }
                    }

                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    Interlocked.Increment(ref requests);
                    Interlocked.Add(ref events, stored);
                }
                catch (NpgsqlException)
                {
                    // The connection may be unusable: this worker stops; the run reports the failure.
                    Interlocked.Increment(ref failures);
                    return;
                }
            }
        })));
        stopwatch.Stop();
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new PhaseResult(requests, events, failures, stopwatch.Elapsed, Stats.Percentile(all, 0.50), Stats.Percentile(all, 0.99));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (connection, insert, _) in _workers)
        {
            await insert.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
