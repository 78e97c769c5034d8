using IngestLayer.Contracts;
using IngestLayer.Gateway;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IngestLayer.UnitTests;

public class EventRouterWaveTests
{
    private static IngestEvent[] OnePerAccount(int accounts, string prefix = "a") =>
        [.. Enumerable.Range(0, accounts).Select(i => new IngestEvent
        {
            Workspace = "default", Source = "s", MessageId = prefix + "m" + i, Kind = EventKind.Track, Name = "x", UserId = "u" + i, AccountId = prefix + i,
        })];

    [Fact]
    public async Task a_round_calls_its_accounts_a_wave_at_a_time()
    {
        var (factory, grains) = RecordingGrains.Create();
        grains.OnCall = _ => Task.Delay(20);
        var router = new EventRouter(factory, Options.Create(new DispatchOptions { CallsPerWave = 4 }));

        await router.RouteAsync(OnePerAccount(10), new UserActivityBuffer());

        Assert.Equal(10, grains.Calls.Select(c => c.Key).Distinct().Count());
        Assert.Equal(4, grains.MaxInFlight);
    }

    [Fact]
    public async Task held_user_activity_is_flushed_a_wave_at_a_time()
    {
        var (factory, grains) = RecordingGrains.Create();
        grains.OnCall = _ => Task.Delay(20);
        var router = new EventRouter(factory, Options.Create(new DispatchOptions { CallsPerWave = 3 }));
        var held = new UserActivityBuffer();
        await router.RouteAsync(OnePerAccount(7), held);
        grains.Calls.Clear();

        await router.FlushAsync(held);

        Assert.Equal([.. Enumerable.Range(0, 7).Select(i => GrainKeys.User("default", "u" + i))], grains.Calls.Select(c => c.Key).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(3, grains.MaxInFlight);
    }

    [Fact]
    public async Task a_failed_call_does_not_keep_later_waves_from_their_grains_and_is_reported_after_them()
    {
        var (factory, grains) = RecordingGrains.Create();
        var first = GrainKeys.Account("default", "a0");
        grains.OnCall = key => key == first ? Task.FromException(new InvalidOperationException("grain a0 failed")) : Task.CompletedTask;
        var router = new EventRouter(factory, Options.Create(new DispatchOptions { CallsPerWave = 2 }));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => router.RouteAsync(OnePerAccount(9), new UserActivityBuffer()));

        Assert.Equal("grain a0 failed", error.Message);
        Assert.Equal(9, grains.Calls.Select(c => c.Key).Distinct().Count());
    }

    [Fact]
    public async Task events_that_arrive_during_a_round_wait_for_the_next_paced_round()
    {
        var (factory, grains) = RecordingGrains.Create();
        var slow = GrainKeys.Account("default", "a0");
        grains.OnCall = key => key == slow ? Task.Delay(150) : Task.CompletedTask;
        var interval = TimeSpan.FromMilliseconds(600);
        var options = Options.Create(new DispatchOptions { MinRoundInterval = interval });
        using var dispatcher = new EventDispatcher(new EventRouter(factory, options), options, NullLogger<EventDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            dispatcher.Enqueue(OnePerAccount(1));
            await WaitForAsync(() => AccountCall(grains, "a0") is not null);
            dispatcher.Enqueue(OnePerAccount(1, prefix: "b")); // while the first round's call is still running

            await WaitForAsync(() => AccountCall(grains, "b0") is not null);

            // Not as soon as the first round ended (150 ms in), but a whole interval after it began.
            var gap = AccountCall(grains, "b0")!.Value - AccountCall(grains, "a0")!.Value;
            Assert.True(gap >= interval - TimeSpan.FromMilliseconds(50), $"the second round began {gap.TotalMilliseconds:0} ms after the first");
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task held_activity_added_account_by_account_keeps_the_accounts_in_the_order_they_were_last_named()
    {
        var (factory, _) = RecordingGrains.Create();
        var router = new EventRouter(factory);
        var held = new UserActivityBuffer();
        IngestEvent Event(int i, string account) =>
            new() { Workspace = "default", Source = "s", MessageId = "m" + i, Kind = EventKind.Track, Name = "x", UserId = "u1", AccountId = account };

        // The router holds account A's events, then B's, then C's: B's last event (4) comes after C's (3).
        await router.RouteAsync([Event(0, "A"), Event(1, "B"), Event(2, "A"), Event(3, "C"), Event(4, "B")], held);
        var first = Assert.Single(held.TakeAll());
        Assert.Equal(["A", "C", "B"], first.Activity.Accounts);
        Assert.Equal(5, first.Activity.Events);

        // A later round's older-named account still goes before the newer ones.
        await router.RouteAsync([Event(5, "C"), Event(6, "A")], held);
        Assert.Equal(["C", "A"], Assert.Single(held.TakeAll()).Activity.Accounts);
    }

    private static DateTime? AccountCall(RecordingGrains grains, string account) => grains.FirstCall(GrainKeys.Account("default", account));

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(5);
        }
    }
}
