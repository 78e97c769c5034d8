using IngestLayer.Contracts;
using IngestLayer.Gateway;

namespace IngestLayer.GrainTests;

/// <summary>User activity of events that name their account is held, aggregated, and handed over later.</summary>
[Collection(ClusterCollection.Name)]
public class HeldUserActivityTests(ClusterFixture fixture)
{
    private readonly EventRouter _router = new(fixture.Grains);
    private readonly UserActivityBuffer _held = new();

    private IUserGrain User(string id) => fixture.Grains.GetGrain<IUserGrain>(GrainKeys.User("default", id));

    private IAccountGrain Account(string id) => fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account("default", id));

    [Fact]
    public async Task accounts_see_events_at_once_and_users_when_the_held_activity_is_flushed()
    {
        var (user, acme) = (GrainTestEvents.NewId("u"), GrainTestEvents.NewId("acme"));
        var e = new GrainTestEvents(fixture.Time.GetUtcNow());

        await _router.RouteAsync([e.Track(user, "feature.used", acme, "reports"), e.Track(user, "feature.used", acme, "reports")], _held);
        await _router.RouteAsync([e.Track(user, "feature.used", acme, "exports") with { Count = 5 }], _held);

        Assert.Equal(2, (await Account(acme).GetSnapshotAsync())!.Features["reports"].Last24Hours);
        Assert.Null(await User(user).GetSnapshotAsync());
        Assert.Equal((1, 3L), (_held.Users, _held.Events));

        await _router.FlushAsync(_held);

        var snapshot = await User(user).GetSnapshotAsync();
        Assert.Equal(2, snapshot!.Features["reports"].Last24Hours);
        Assert.Equal(5, snapshot.Features["exports"].Last24Hours);
        Assert.Equal(3, snapshot.Events["feature.used"].Last24Hours);
        Assert.Equal(3, snapshot.EventsApplied);
        Assert.Equal(acme, snapshot.AccountId);
        Assert.Equal(0, _held.Users);
    }

    [Fact]
    public async Task held_activity_is_applied_before_a_newer_event_that_needs_the_users_answer()
    {
        var (user, acme, globex) = (GrainTestEvents.NewId("u"), GrainTestEvents.NewId("acme"), GrainTestEvents.NewId("globex"));
        var e = new GrainTestEvents(fixture.Time.GetUtcNow());
        await _router.RouteAsync([e.Group(user, acme)]);

        // Held: the user now works in globex. Then an event naming no account must go to globex, not acme.
        await _router.RouteAsync([e.Track(user, "report exported", globex)], _held);
        await _router.RouteAsync([e.Track(user, "dashboard viewed")], _held);

        Assert.Equal(1, (await Account(globex).GetSnapshotAsync())!.Events["dashboard viewed"].Last24Hours);
        Assert.False((await Account(acme).GetSnapshotAsync())!.Events.ContainsKey("dashboard viewed"));
        Assert.Equal(0, _held.Users);
        Assert.Equal(globex, (await User(user).GetSnapshotAsync())!.AccountId);
    }

    [Fact]
    public async Task a_user_called_while_a_flush_is_in_flight_is_attributed_after_it()
    {
        var (user, acme, globex) = (GrainTestEvents.NewId("u"), GrainTestEvents.NewId("acme"), GrainTestEvents.NewId("globex"));
        var e = new GrainTestEvents(fixture.Time.GetUtcNow());
        await _router.RouteAsync([e.Group(user, acme)]);
        await _router.RouteAsync([e.Track(user, "report exported", globex)], _held);

        var flushing = _router.FlushAsync(_held);
        await _router.RouteAsync([e.Track(user, "dashboard viewed")], _held, flushing);

        Assert.True(flushing.IsCompleted);
        Assert.Equal(1, (await Account(globex).GetSnapshotAsync())!.Events["dashboard viewed"].Last24Hours);
        Assert.Equal(2, (await User(user).GetSnapshotAsync())!.Events.Sum(c => c.Value.Last24Hours));
    }
}
