using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Parsing;
using IngestLayer.Gateway.Security;
using IngestLayer.Grains;
using IngestLayer.Grains.Counters;
using IngestLayer.Storage;
using Microsoft.Extensions.Options;

namespace IngestLayer.Benchmarks;

/// <summary>
/// The per-event work of the gateway and the grains, one 100-event batch per operation (the load
/// generator's batch shape: 1,000 accounts, 10,000 users, mostly <c>feature.used</c>).
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private static readonly string[] Features = ["csv.export", "api.access", "reports.schedule", "dashboard.share", "webhook.create", "sso.login", "audit.view", "alerts.create"];
    private readonly Source _source = new("bench", "default");
    private readonly DateTimeOffset _now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private byte[] _body = [];
    private IngestEvent[] _events = [];
    private AccountState _account = new();
    private WindowedCounter _counter = new();
    private MemoryEventLog _log = null!;
    private long _sequence;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var json = new StringBuilder("{\"events\":[");
        for (var i = 0; i < 100; i++)
        {
            var user = random.Next(10_000);
            var account = user % 1000;
            var feature = Features[random.Next(Features.Length)];
            json.Append(i == 0 ? "" : ",")
                .Append("{\"event\":\"feature.used\",\"user_id\":\"user-").Append(user)
                .Append("\",\"account_id\":\"acct-").Append(account)
                .Append("\",\"message_id\":\"m-").Append(i)
                .Append("\",\"timestamp\":\"2026-11-23T11:59:").Append((i % 60).ToString("D2", System.Globalization.CultureInfo.InvariantCulture))
                .Append("Z\",\"properties\":{\"feature\":\"").Append(feature).Append("\",\"count\":1,\"plan\":\"pro\",\"source\":\"bench\"}}");
        }

        _body = Encoding.UTF8.GetBytes(json.Append("]}").ToString());
        _events = [.. Parse().Events];
        _log = new MemoryEventLog(Options.Create(new EmbeddedOptions()));
    }

    [Benchmark(Description = "parse 100-event native batch")]
    public ParsedBatch Parse()
    {
        using var doc = JsonDocument.Parse(_body);
        return NativeEventParser.Parse(doc.RootElement, _source, _now, 32 * 1024);
    }

    [Benchmark(Description = "dedupe-append 100 events (embedded log)")]
    public async Task<int> Append()
    {
        // Fresh message ids each time, so every event is new to the dedupe window.
        var batch = new IngestEvent[_events.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = _events[i] with { MessageId = "a-" + ++_sequence };
        }

        return (await _log.AppendAsync(batch, default)).Count;
    }

    [Benchmark(Description = "account fold of 100 events")]
    public long ApplyToAccount()
    {
        var now = TimeBuckets.Of(_now);
        foreach (var e in _events)
        {
            _account.Apply(e, now);
        }

        return _account.EventsApplied;
    }

    [Benchmark(Description = "windowed counter add x100 + read")]
    public long CounterAdd()
    {
        var now = TimeBuckets.Of(_now);
        foreach (var e in _events)
        {
            _counter.Add(TimeBuckets.Of(e.Timestamp), 1, now);
        }

        return _counter.Counts(_now).Last24Hours;
    }
}
