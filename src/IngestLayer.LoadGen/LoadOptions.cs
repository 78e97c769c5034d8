using System.Globalization;

namespace IngestLayer.LoadGen;

/// <summary>Command-line settings of a load run.</summary>
internal sealed record LoadOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Load before each timed run but a target's first (see <see cref="FirstWarmup"/>).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(8);
    /// <summary>
    /// Load before a target's first timed run: the gateway needs about 25 s of full load after start-up before its
    /// CPU per event stops falling (tiered JIT instruments, then recompiles, hundreds of hot methods on a background
    /// thread that gets the little CPU the load leaves), and the benchmark measures the steady state. The ramp is
    /// measured on its own with <c>--target gateway --first-warmup 0.5 --warmup 0.5 --duration 3 --rounds 10</c>.
    /// </summary>
    public TimeSpan FirstWarmup { get; init; } = TimeSpan.FromSeconds(30);
    public int Concurrency { get; init; } = 16;
    public int BatchSize { get; init; } = 100;
    public int Accounts { get; init; } = 1_000;
    public int Users { get; init; } = 10_000;
    /// <summary>Rounds of (ceiling, gateway) pairs; the report quotes medians.</summary>
    public int Rounds { get; init; } = 3;
    /// <summary><c>both</c>, <c>gateway</c> or <c>ceiling</c> (one target alone is for profiling).</summary>
    public string Targets { get; init; } = "both";
    /// <summary>
    /// <c>embedded</c> (the gateway in memory against a bare HTTP endpoint), <c>durable</c> (the gateway on
    /// PostgreSQL against a bare Npgsql loop) or <c>rules</c> (the embedded gateway with its default rule set
    /// against the same with no rules), <c>pipelines</c> (with ten pipelines against none) or <c>formats</c> (the native,
    /// Segment and PostHog wire formats at batch sizes 1, 10 and 100, each against the ceiling at the same format and size).
    /// </summary>
    public string Mode { get; init; } = "embedded";
    /// <summary>Durable mode: the server to create the run's databases on (any database on it to connect to first).</summary>
    public string? Postgres { get; init; } = Environment.GetEnvironmentVariable("INGESTLAYER_LOADGEN_POSTGRES") is { Length: > 0 } cs ? cs : null;
    /// <summary>
    /// <c>raw</c> (the default: pre-built batches posted at full rate, the benchmark's numbers) or <c>sdk</c> (the same
    /// events tracked through the .NET client, to measure what the SDK path costs and delivers).
    /// </summary>
    public string Client { get; init; } = "raw";
    /// <summary>Durable mode: keep the run's databases instead of dropping them at the end.</summary>
    public bool Keep { get; init; }

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--keep")
            {
                o = o with { Keep = true };
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--duration" => o with { Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--warmup" => o with { Warmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--first-warmup" => o with { FirstWarmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--concurrency" => o with { Concurrency = int.Parse(value, CultureInfo.InvariantCulture) },
                "--batch" => o with { BatchSize = int.Parse(value, CultureInfo.InvariantCulture) },
                "--accounts" => o with { Accounts = int.Parse(value, CultureInfo.InvariantCulture) },
                "--users" => o with { Users = int.Parse(value, CultureInfo.InvariantCulture) },
                "--rounds" => o with { Rounds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--target" => o with { Targets = value is "both" or "gateway" or "ceiling" ? value : throw new ArgumentException("--target is both, gateway or ceiling") },
                "--mode" => o with { Mode = value is "embedded" or "durable" or "rules" or "pipelines" or "formats" ? value : throw new ArgumentException("--mode is embedded, durable, rules, pipelines or formats") },
                "--postgres" => o with { Postgres = value },
                "--client" => o with { Client = value is "raw" or "sdk" ? value : throw new ArgumentException("--client is raw or sdk") },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --duration s --warmup s --first-warmup s --concurrency n --batch n --accounts n --users n --rounds n --target both|gateway|ceiling "
                    + "--mode embedded|durable|rules|pipelines|formats --client raw|sdk --postgres \"connection string\" (or env INGESTLAYER_LOADGEN_POSTGRES) --keep"),
            };
            i++;
        }

        return o.Mode == "durable" && o.Postgres is null
            ? throw new ArgumentException("--mode durable needs --postgres \"Host=...;Port=...;Username=...\" (or env INGESTLAYER_LOADGEN_POSTGRES): the server to create the run's databases on")
            : o;
    }
}
