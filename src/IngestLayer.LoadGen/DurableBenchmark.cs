using System.Globalization;

namespace IngestLayer.LoadGen;

/// <summary>
/// <c>--mode durable</c>: the gateway in durable mode (a host process on a fresh database) against the
/// Npgsql ceiling (a process writing the same rows with the event log's statement, on a fresh database of
/// its own), in alternating rounds after one uncounted gateway run; then the gateway open-loop at half
/// its median peak.
/// </summary>
internal static class DurableBenchmark
{
    public static async Task<int> RunAsync(LoadOptions options, string writeKey)
    {
        await using var databases = await DurableTargets.CreateAsync(options.Postgres!, options.Keep);
        var postgresCpu = await PostgresServerCpu.TryFindAsync(databases.Admin);
        Func<TimeSpan>? databaseCpu = postgresCpu is null ? null : postgresCpu.Sample;
        var batches = new BatchWriter(options);
        var runner = new LoadRunner(options, batches);
        await using var ceiling = await TargetProcess.StartAsync(NpgsqlCeiling.Target, "--postgres", databases.Ceiling,
            "--concurrency", Invariant(options.Concurrency), "--batch", Invariant(options.BatchSize), "--accounts", Invariant(options.Accounts), "--users", Invariant(options.Users));
        await using var gateway = await TargetProcess.StartAsync("gateway", "--postgres", databases.Gateway);

        Console.WriteLine($"IngestLayer load generator, durable mode: {options.Rounds} rounds × {options.Duration.TotalSeconds:0}s per target, concurrency {options.Concurrency}, "
            + $"batches of {options.BatchSize} events over {options.Accounts} accounts and {options.Users} users, {Environment.ProcessorCount} cores");
        Console.WriteLine($"  gateway: host process in durable mode on database {databases.GatewayDatabase}, over HTTP");
        Console.WriteLine($"  ceiling: Npgsql process, {options.Concurrency} connections, the event log's prepared unnest INSERT per batch, on database {databases.CeilingDatabase}");
        if (options.Targets != "ceiling")
        {
            // In durable mode activating the ~11,000 grains takes longer than a warm-up (each reads its state
            // and replays the log from PostgreSQL, and writes its first state): one whole run first, not counted.
            var priming = await runner.RunAsync("gateway", gateway.Url, writeKey, gateway.CpuTime, databaseCpu);
            Console.WriteLine($"  priming gateway {priming.EventsPerSecond,10:N0} events/s  (not counted: grain activations)");
        }

        var results = await Rounds.RunAsync(options,
        [
            ("ceiling", () => RunCeilingAsync(ceiling, options, databaseCpu)),
            ("gateway", () => runner.RunAsync("gateway", gateway.Url, writeKey, gateway.CpuTime, databaseCpu)),
        ]);
        Rounds.PrintMedians(results);
        if (Rounds.Ratio(results) is { } ratio)
        {
            var perRound = results.Where(r => r.Target == "gateway").Zip(results.Where(r => r.Target == "ceiling"), (g, c) => (g.EventsPerSecond / c.EventsPerSecond).ToString("P1", CultureInfo.CurrentCulture));
            Console.WriteLine($"gateway / ceiling = {ratio:P1} (per round {string.Join(", ", perRound)}; target for durable mode: at least 50%)");
        }

        var failed = results.Any(r => r.Failures > 0);
        var gatewayRuns = results.Where(r => r.Target == "gateway").ToList();
        if (gatewayRuns.Count > 0)
        {
            var half = Stats.Median(gatewayRuns.Select(r => r.EventsPerSecond)) / 2;
            var open = await new OpenLoopRunner(options, batches).RunAsync(gateway.Url, writeKey, half, gateway.CpuTime, databaseCpu);
            Console.WriteLine();
            Console.WriteLine($"gateway open-loop at half its median peak: target {open.TargetEventsPerSecond:N0} events/s, achieved {open.EventsPerSecond:N0} events/s over {open.Elapsed.TotalSeconds:0.0}s");
            Console.WriteLine($"  ack latency p50 {open.P50Ms:N1} ms  p99 {open.P99Ms:N1} ms (p99 from scheduled time {open.P99FromScheduleMs:N1} ms; target p99 under 50 ms)  "
                + $"server CPU {open.ServerCpu.TotalMicroseconds / open.Events:N2} µs/event"
                + (open.DatabaseCpu is { } db ? $"  postgres CPU {db.TotalMicroseconds / open.Events:N2} µs/event" : "") + $"  failures {open.Failures}");
            failed |= open.Failures > 0;
        }

        Console.WriteLine();
        Console.WriteLine("server CPU: the gateway's host process; the ceiling's Npgsql process, which also generates its rows (for the gateway the client does, outside it).");
        Console.WriteLine(postgresCpu is null
            ? "postgres CPU: not measured (the server is not a local process this program can read in /proc)."
            : "postgres CPU: every process of the PostgreSQL server (postmaster and its children) while the target ran; the other target idles meanwhile (the gateway's host keeps its background work).");
        return failed ? 1 : 0;
    }

    private static async Task<RunResult> RunCeilingAsync(TargetProcess ceiling, LoadOptions options, Func<TimeSpan>? databaseCpu)
    {
        await ceiling.RequestAsync(Invariant(options.Warmup.TotalSeconds));
        var cpuBefore = ceiling.CpuTime();
        var databaseBefore = databaseCpu?.Invoke();
        var phase = PhaseResult.Parse(await ceiling.RequestAsync(Invariant(options.Duration.TotalSeconds)));
        var cpu = ceiling.CpuTime() - cpuBefore;
        var database = databaseCpu?.Invoke() - databaseBefore;
        return new RunResult("ceiling", phase.Requests, phase.Events, phase.Failures, phase.Elapsed, phase.P50Ms, phase.P99Ms, cpu, database);
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
