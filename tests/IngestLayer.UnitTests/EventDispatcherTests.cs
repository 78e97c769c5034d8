using IngestLayer.Contracts;
using IngestLayer.Gateway;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IngestLayer.UnitTests;

public class EventDispatcherTests
{
    private static EventDispatcher Dispatcher(int maxPending, TimeSpan maxWait) =>
        // Not started, so nothing drains: exactly the state of a dispatcher that cannot keep up.
        new(new EventRouter(null!), Options.Create(new DispatchOptions { MaxPendingEvents = maxPending, MaxQueueWait = maxWait }), NullLogger<EventDispatcher>.Instance);

    private static IngestEvent[] Events(int n) =>
        [.. Enumerable.Range(0, n).Select(i => new IngestEvent { Workspace = "default", Source = "s", MessageId = "m" + i, Name = "x", UserId = "u", AccountId = "a" })];

    [Fact]
    public async Task there_is_room_until_the_queue_holds_max_pending_events()
    {
        var dispatcher = Dispatcher(maxPending: 10, TimeSpan.FromMilliseconds(50));
        dispatcher.Enqueue(Events(9));

        Assert.True(await dispatcher.WaitForRoomAsync(CancellationToken.None));
        Assert.Equal(9, dispatcher.Pending);
    }

    [Fact]
    public async Task a_full_queue_refuses_after_the_wait_so_the_request_can_answer_503()
    {
        var dispatcher = Dispatcher(maxPending: 10, TimeSpan.FromMilliseconds(100));
        dispatcher.Enqueue(Events(10));

        var started = DateTime.UtcNow;
        Assert.False(await dispatcher.WaitForRoomAsync(CancellationToken.None));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(90), "it should wait for room before refusing");
    }

    [Fact]
    public async Task reads_wait_for_unapplied_writes_and_report_when_they_could_not()
    {
        var dispatcher = Dispatcher(maxPending: 10, TimeSpan.FromSeconds(1));
        Assert.True(await dispatcher.WaitForAppliedAsync(TimeSpan.FromMilliseconds(10), CancellationToken.None));

        dispatcher.Enqueue(Events(1));
        Assert.False(await dispatcher.WaitForAppliedAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    [Fact]
    public async Task an_idle_dispatcher_sleeps_until_there_is_work()
    {
        // Unpaced, so nothing but the work signal can hold the loop (it once spun on a -1 ms "infinite" wait).
        var options = new DispatchOptions { MinRoundInterval = TimeSpan.Zero };
        using var dispatcher = new EventDispatcher(new EventRouter(null!), Options.Create(options), NullLogger<EventDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            await Task.Delay(300);
            Assert.InRange(dispatcher.Wakeups, 0, 2);
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
    }
}
