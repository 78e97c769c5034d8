using System.Globalization;

namespace IngestLayer.LoadGen;

/// <summary>
/// <c>--mode formats</c>: gateway throughput and latency for each wire format (native, Segment, PostHog) at batch sizes
/// 1, 10 and 100, each against the bare ceiling endpoint fed the same bodies at the same path, in one run: every round
/// runs all eighteen (format, size, target) cells, and the report quotes each cell's median over the rounds.
/// </summary>
internal static class FormatsBenchmark
{
    private static readonly int[] BatchSizes = [1, 10, 100];

    public static async Task<int> RunAsync(LoadOptions options, string writeKey)
    {
        await using var ceiling = await TargetProcess.StartAsync("ceiling");
        await using var gateway = await TargetProcess.StartAsync("gateway");

        // One generator for every cell: message ids never repeat, so no cell is flattered by the dedupe.
        var generator = new EventGenerator(options);
        var cells = (from format in WireFormat.All from size in BatchSizes select (Format: format, Size: size)).ToList();
        Console.WriteLine($"IngestLayer wire formats: {options.Rounds} rounds × {cells.Count} cells × 2 targets × {options.Duration.TotalSeconds:0}s "
            + $"(+{options.Warmup.TotalSeconds:0}s warm-up), concurrency {options.Concurrency}, {options.Accounts} accounts, {options.Users} users, {Environment.ProcessorCount} cores");

        var targets = new List<(string Name, Func<Task<RunResult>> Run)>();
        foreach (var (format, size) in cells)
        {
            var sized = options with { BatchSize = size };
            var runner = new LoadRunner(sized, new BatchWriter(sized, generator), WireFormat.Create(format, size, generator, writeKey));
            var cell = Cell(format, size);
            targets.Add(("ceiling " + cell, () => runner.RunAsync("ceiling " + cell, ceiling.Url, writeKey, ceiling.CpuTime)));
            targets.Add(("gateway " + cell, () => runner.RunAsync("gateway " + cell, gateway.Url, writeKey, gateway.CpuTime)));
        }

        // A discarded pass of the largest native cell first: the gateway activates its grains and both processes JIT
        // their hot paths, so the first timed cell is not the one that pays for it.
        var largest = targets.FindIndex(t => t.Name == "ceiling " + Cell(WireFormat.Native, BatchSizes[^1]));
        await targets[largest].Run();
        await targets[largest + 1].Run();

        var results = await Rounds.RunAsync(options with { Targets = "both" }, targets);

        Console.WriteLine();
        Console.WriteLine("median of rounds      gateway events/s   ceiling events/s   gateway/ceiling   gateway p50/p99 ms   ceiling p50/p99 ms   gateway CPU µs/event");
        foreach (var (format, size) in cells)
        {
            var cell = Cell(format, size);
            var g = results.Where(r => r.Target == "gateway " + cell).ToList();
            var c = results.Where(r => r.Target == "ceiling " + cell).ToList();
            var ratio = Rounds.Ratio(results, "gateway " + cell, "ceiling " + cell) ?? double.NaN;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {cell,-18} {Stats.Median(g.Select(r => r.EventsPerSecond)),16:N0} {Stats.Median(c.Select(r => r.EventsPerSecond)),18:N0} {ratio,16:P0}"
                + $"   {Stats.Median(g.Select(r => r.P50Ms)),7:N1} / {Stats.Median(g.Select(r => r.P99Ms)),-7:N1}   {Stats.Median(c.Select(r => r.P50Ms)),7:N1} / {Stats.Median(c.Select(r => r.P99Ms)),-7:N1}"
                + $"   {Stats.Median(g.Select(r => r.ServerCpuMicrosPerEvent)),8:N2}"));
        }

        return results.Any(r => r.Failures > 0) ? 1 : 0;
    }

    private static string Cell(string format, int size) => $"{format} ×{size}";
}
