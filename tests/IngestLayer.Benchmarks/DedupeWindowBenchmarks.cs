using BenchmarkDotNet.Attributes;
using IngestLayer.Storage;

namespace IngestLayer.Benchmarks;

/// <summary>
/// The embedded log's dedupe window, full (so every add also forgets the oldest key), taking a request's
/// 100 unique keys one at a time or as one batch; at the default capacity and at one that fits in cache.
/// Divide by 100 for ns per event.
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class DedupeWindowBenchmarks
{
    private readonly ulong[] _keys = new ulong[100];
    private readonly bool[] _added = new bool[100];
    private DedupeWindow _window = null!;
    private ulong _sequence;

    [Params(10_000, 1_000_000)]
    public int Capacity { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _window = new DedupeWindow(Capacity);
        for (var i = 0; i < Capacity * 3 / 2; i++)
        {
            _window.Add(NextKey());
        }
    }

    [Benchmark(Description = "100 unique keys one at a time")]
    public int OneAtATime()
    {
        var added = 0;
        for (var i = 0; i < _keys.Length; i++)
        {
            added += _window.Add(NextKey()) ? 1 : 0;
        }

        return added;
    }

    [Benchmark(Description = "100 unique keys in one batch")]
    public int Batch()
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            _keys[i] = NextKey();
        }

        _window.Add(_keys, _added);
        return _added.Count(a => a);
    }

    // Distinct keys spread like hashes (splitmix64 of a counter).
    private ulong NextKey()
    {
        var z = _sequence += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
