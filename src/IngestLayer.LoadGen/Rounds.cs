namespace IngestLayer.LoadGen;

/// <summary>Alternating rounds over the targets (one run each per round) and the report of each round and of the medians.</summary>
internal static class Rounds
{
    public static async Task<List<RunResult>> RunAsync(LoadOptions options, IReadOnlyList<(string Name, Func<Task<RunResult>> Run)> targets)
    {
        var results = new List<RunResult>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var (name, run) in targets)
            {
                if (options.Targets != "both" && options.Targets != name)
                {
                    continue;
                }

                var result = await run();
                results.Add(result);
                var line = $"  round {round} {name,-8} {result.EventsPerSecond,10:N0} events/s  {result.Requests / result.Elapsed.TotalSeconds,7:N0} req/s  "
                    + $"p50 {result.P50Ms,6:N1} ms  p99 {result.P99Ms,6:N1} ms  server CPU {result.ServerCpuMicrosPerEvent,5:N2} µs/event  failures {result.Failures}";
                Console.WriteLine(result.DatabaseCpuMicrosPerEvent is { } db ? line + $"  postgres CPU {db,5:N2} µs/event" : line);
            }
        }

        return results;
    }

    public static void PrintMedians(IReadOnlyList<RunResult> results) => PrintMedians(results, "ceiling", "gateway");

    public static void PrintMedians(IReadOnlyList<RunResult> results, params string[] targets)
    {
        var withDatabase = results.Any(r => r.DatabaseCpu is not null);
        Console.WriteLine();
        Console.WriteLine("median of rounds     events/s      p50 ms   p99 ms   server CPU µs/event" + (withDatabase ? "   postgres CPU µs/event" : ""));
        foreach (var target in targets)
        {
            var rs = results.Where(r => r.Target == target).ToList();
            if (rs.Count > 0)
            {
                var line = $"  {target,-16} {Stats.Median(rs.Select(r => r.EventsPerSecond)),10:N0}   {Stats.Median(rs.Select(r => r.P50Ms)),8:N1} {Stats.Median(rs.Select(r => r.P99Ms)),8:N1}   {Stats.Median(rs.Select(r => r.ServerCpuMicrosPerEvent)),8:N2}";
                var db = rs.Where(r => r.DatabaseCpuMicrosPerEvent is not null).Select(r => r.DatabaseCpuMicrosPerEvent!.Value).ToList();
                Console.WriteLine(withDatabase && db.Count > 0 ? line + $"              {Stats.Median(db),8:N2}" : line);
            }
        }
    }

    /// <summary>Median gateway events/s over median ceiling events/s; null unless both ran.</summary>
    public static double? Ratio(IReadOnlyList<RunResult> results) => Ratio(results, "gateway", "ceiling");

    /// <summary>Median events/s of <paramref name="target"/> over that of <paramref name="baseline"/>; null unless both ran.</summary>
    public static double? Ratio(IReadOnlyList<RunResult> results, string target, string baseline) =>
        results.Any(r => r.Target == target) && results.Any(r => r.Target == baseline)
            ? Stats.Median(results.Where(r => r.Target == target).Select(r => r.EventsPerSecond)) / Stats.Median(results.Where(r => r.Target == baseline).Select(r => r.EventsPerSecond))
            : null;
}
