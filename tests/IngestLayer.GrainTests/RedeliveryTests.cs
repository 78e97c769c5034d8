using IngestLayer.Contracts;
using IngestLayer.Gateway;

namespace IngestLayer.GrainTests;

/// <summary>
/// Durable-mode dispatch is at-least-once: after a restart the dispatcher replays the log from its last
/// checkpoint, so grains see events again that they applied before. They must count each once.
/// </summary>
[Collection(ClusterCollection.Name)]
public class RedeliveryTests(ClusterFixture fixture)
{
    private readonly EventRouter _router = new(fixture.Grains);

    private IAccountGrain Account(string id) => fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account("default", id));

    private IUserGrain User(string id) => fixture.Grains.GetGrain<IUserGrain>(GrainKeys.User("default", id));

    [Fact]
    public async Task a_replayed_round_is_counted_once_by_users_and_accounts()
    {
        var (user, acme) = (GrainTestEvents.NewId("u"), GrainTestEvents.NewId("acme"));
        var e = new GrainTestEvents(fixture.Time.GetUtcNow());
        IngestEvent[] round =
        [
            e.Track(user, "feature.used", acme, "reports") with { Position = 10 },
            e.Track(user, "feature.used", acme, "reports") with { Position = 11 },
        ];

        await _router.ReplayAsync(round, "host-a", new TouchedGrains());
        await _router.ReplayAsync(round, "host-a", new TouchedGrains());
        await _router.ReplayAsync([round[1], e.Track(user, "feature.used", acme, "reports") with { Position = 12 }], "host-a", new TouchedGrains());

        Assert.Equal(3, (await Account(acme).GetSnapshotAsync())!.Features["reports"].Last24Hours);
        var u = await User(user).GetSnapshotAsync();
        Assert.Equal(3, u!.Features["reports"].Last24Hours);
        Assert.Equal(3, u.EventsApplied);
    }

    [Fact]
    public async Task two_hosts_interleaved_positions_are_both_applied()
    {
        // Host B's events can carry lower positions than host A's already applied: one watermark per origin.
        var (user, acme) = (GrainTestEvents.NewId("u"), GrainTestEvents.NewId("acme"));
        var e = new GrainTestEvents(fixture.Time.GetUtcNow());

        await _router.ReplayAsync([e.Track(user, "report exported", acme) with { Position = 200 }], "host-a", new TouchedGrains());
        await _router.ReplayAsync([e.Track(user, "report exported", acme) with { Position = 150 }], "host-b", new TouchedGrains());
        await _router.ReplayAsync([e.Track(user, "report exported", acme) with { Position = 150 }], "host-b", new TouchedGrains());

        Assert.Equal(2, (await Account(acme).GetSnapshotAsync())!.Events["report exported"].Last24Hours);
    }

    [Fact]
    public async Task a_redelivered_event_without_an_account_is_still_attributed()
    {
        var (user, acme) = (GrainTestEvents.NewId("u"), GrainTestEvents.NewId("acme"));
        var e = new GrainTestEvents(fixture.Time.GetUtcNow());
        var touched = new TouchedGrains();
        IngestEvent[] round = [e.Group(user, acme) with { Position = 1 }, e.Track(user, "dashboard viewed") with { Position = 2 }];

        await _router.ReplayAsync(round, "host-a", touched);
        await _router.ReplayAsync(round, "host-a", touched);

        Assert.Equal(1, (await Account(acme).GetSnapshotAsync())!.Events["dashboard viewed"].Last24Hours);
        var taken = touched.Take();
        Assert.Contains(("default", user), taken.Users);
        Assert.Contains(("default", acme), taken.Accounts);
    }
}
