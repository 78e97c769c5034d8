using BenchmarkDotNet.Attributes;
using IngestLayer.Contracts;
using IngestLayer.Gateway;
using IngestLayer.Grains;

namespace IngestLayer.Benchmarks;

/// <summary>
/// Held user activity at the load generator's rate: 400,000 events a second over 10,000 users (about 40 per
/// user per second), held for <see cref="FlushSeconds"/> and taken in one flush, then applied to the users'
/// states. <see cref="RouteBenchmarks"/> holds one round (two events a user), too few to show the per-user
/// rows a flush interval builds up. Divide by 400,000 × <see cref="FlushSeconds"/> for ns per event.
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class UserActivityBenchmarks
{
    private const int EventsPerRound = 20_000;
    private const int RoundsPerSecond = 20;
    private readonly DateTimeOffset _now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private HeldRound[] _rounds = [];
    private UserActivity[] _activities = [];
    private UserState[] _users = [];
    private readonly UserActivityBuffer _held = new();

    [Params(1, 2)]
    public int FlushSeconds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rounds = [.. Enumerable.Range(0, RoundsPerSecond * FlushSeconds).Select(r => RoundEvents.ForHolding(RoundEvents.Create(EventsPerRound, r, _now)))];
        foreach (var round in _rounds)
        {
            round.HoldIn(_held);
        }

        _activities = [.. _held.TakeAll().Select(a => a.Activity)];
        _users = [.. _activities.Select(_ => new UserState())];
        for (var i = 0; i < _activities.Length; i++)
        {
            _users[i].Apply(_activities[i], _now);
        }
    }

    [Benchmark(Description = "hold a flush interval of events + take all")]
    public int Hold()
    {
        foreach (var round in _rounds)
        {
            round.HoldIn(_held);
        }

        return _held.TakeAll().Count;
    }

    [Benchmark(Description = "user states: apply a flush interval's activity")]
    public long Apply()
    {
        var applied = 0L;
        for (var i = 0; i < _activities.Length; i++)
        {
            _users[i].Apply(_activities[i], _now);
            applied += _users[i].EventsApplied;
        }

        return applied;
    }
}
