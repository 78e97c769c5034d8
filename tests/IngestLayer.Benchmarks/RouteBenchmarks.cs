using BenchmarkDotNet.Attributes;
using IngestLayer.Contracts;
using IngestLayer.Gateway;
using IngestLayer.Grains;

namespace IngestLayer.Benchmarks;

/// <summary>
/// The embedded dispatch path from the event log's observer to the grain calls, at the load generator's
/// shape: held user activity over 10,000 users; the router's rounds (10 rounds of 20,000 events and one flush per operation, over grains that do nothing), held
/// activity kept in one buffer across operations as the dispatcher keeps it.
/// Divide by the events per operation for ns per event.
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class RouteBenchmarks
{
    private const int EventsPerRound = 20_000;
    private const int Rounds = 10;
    private readonly DateTimeOffset _now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private IngestEvent[][] _rounds = [];
    private HeldRound _firstRound = null!;
    private UserActivity[] _activities = [];
    private UserState[] _users = [];
    private EventRouter _router = null!;
    private readonly UserActivityBuffer _held = new(); // one for the process, as the dispatcher has

    [GlobalSetup]
    public void Setup()
    {
        _rounds = [.. Enumerable.Range(0, Rounds).Select(r => RoundEvents.Create(EventsPerRound, r, _now))];
        _router = new EventRouter(StubGrainFactory.Create());
        _firstRound = RoundEvents.ForHolding(_rounds[0]);
        var held = new UserActivityBuffer();
        _firstRound.HoldIn(held);
        _activities = [.. held.TakeAll().Select(a => a.Activity)];
        _users = [.. _activities.Select(_ => new UserState())];
    }

    [Benchmark(Description = "hold 20,000 events over 10,000 users + take all")]
    public int Hold()
    {
        _firstRound.HoldIn(_held);
        return _held.TakeAll().Count;
    }

    [Benchmark(Description = "route 10 rounds of 20,000 events + flush (stub grains)")]
    public async Task<int> Route()
    {
        foreach (var round in _rounds)
        {
            await _router.RouteAsync(round, _held);
        }

        var users = _held.Users;
        await _router.FlushAsync(_held);
        return users;
    }

    [Benchmark(Description = "user states: apply a flush of 20,000 events' activity (~8,600 users)")]
    public long ApplyActivity()
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
