using IngestLayer.Contracts;

namespace IngestLayer.Grains.Counters;

/// <summary>
/// Windowed counters by key (feature or event name). Distinct keys are capped so one client sending
/// unbounded event names cannot grow a grain without limit: past the cap, new keys count under <see cref="OtherKey"/>.
/// </summary>
[GenerateSerializer, Alias("IngestLayer.CounterSet")]
public sealed class CounterSet
{
    public const string OtherKey = "(other)";
    public const int MaxKeys = 500;

    [Id(0)] private readonly Dictionary<string, WindowedCounter> _counters = new(StringComparer.Ordinal);

    public void Add(string key, DateTimeOffset at, int count, DateTimeOffset now) => Add(key, TimeBuckets.Of(at), count, TimeBuckets.Of(now));

    public void Add(string key, TimeBuckets at, int count, TimeBuckets now) => Add(key, at, (long)count, now);

    /// <summary>As <see cref="Add(string, TimeBuckets, int, TimeBuckets)"/>, for a sum of adds.</summary>
    internal void Add(string key, TimeBuckets at, long count, TimeBuckets now)
    {
        if (!_counters.TryGetValue(key, out var counter))
        {
            if (_counters.Count >= MaxKeys)
            {
                key = OtherKey;
                if (!_counters.TryGetValue(key, out counter))
                {
                    _counters[key] = counter = new WindowedCounter();
                }
            }
            else
            {
                _counters[key] = counter = new WindowedCounter();
            }
        }

        counter.Add(at, count, now);
    }

    public WindowedCounter? Get(string key) => _counters.GetValueOrDefault(key);

    /// <summary>Every key's counter (for reads across keys, such as the health score's).</summary>
    public IEnumerable<WindowedCounter> Counters => _counters.Values;

    public IReadOnlyDictionary<string, WindowCounts> Snapshot(DateTimeOffset now)
    {
        var result = new SortedDictionary<string, WindowCounts>(StringComparer.Ordinal);
        foreach (var (key, counter) in _counters)
        {
            result[key] = counter.Counts(now);
        }

        return result;
    }
}
