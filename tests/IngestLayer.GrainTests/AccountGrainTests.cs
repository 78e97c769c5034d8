using IngestLayer.Contracts;
using IngestLayer.Gateway;
using IngestLayer.Grains.Signals;
using IngestLayer.Storage;

namespace IngestLayer.GrainTests;

[Collection(ClusterCollection.Name)]
public class AccountGrainTests(ClusterFixture fixture)
{
    private readonly EventRouter _router = new(fixture.Grains);

    private IAccountGrain Account(string id) => fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account("default", id));

    private IUserGrain User(string id) => fixture.Grains.GetGrain<IUserGrain>(GrainKeys.User("default", id));

    private GrainTestEvents Events => new(fixture.Time.GetUtcNow());

    [Fact]
    public async Task an_account_never_seen_has_no_state()
    {
        Assert.Null(await Account(GrainTestEvents.NewId("ghost")).GetSnapshotAsync());
    }

    [Fact]
    public async Task in_embedded_mode_a_rebuild_changes_nothing_since_the_log_keeps_no_events()
    {
        var acme = GrainTestEvents.NewId("acme");
        await Account(acme).ApplyAsync(new EventBatch([Events.Track("u1", "report exported", acme)]));

        var result = await Account(acme).RebuildAsync();

        Assert.Equal(AccountRebuildOutcome.LogKeepsNoEvents, result.Outcome);
        Assert.Equal(1, (await Account(acme).GetSnapshotAsync())!.EventsApplied);
    }

    [Fact]
    public async Task events_without_an_account_are_attributed_through_the_users_latest_membership()
    {
        var (user, acme, globex) = (GrainTestEvents.NewId("u"), GrainTestEvents.NewId("acme"), GrainTestEvents.NewId("globex"));
        var e = Events;

        await _router.RouteAsync([e.Group(user, acme, ("name", "Acme"), ("plan", "pro")), e.Track(user, "dashboard viewed")]);
        await _router.RouteAsync([e.Group(user, globex), e.Track(user, "dashboard viewed"), e.Track(user, "report exported", account: acme)]);

        var a = await Account(acme).GetSnapshotAsync();
        var g = await Account(globex).GetSnapshotAsync();
        Assert.Equal(1, a!.Events["dashboard viewed"].Last24Hours);
        Assert.Equal(1, a.Events["report exported"].Last24Hours);
        Assert.Equal(1, g!.Events["dashboard viewed"].Last24Hours);
        Assert.False(g.Events.ContainsKey("report exported"));
        Assert.Equal(("Acme", "pro"), (a.Profile.Name, a.Profile.Plan));

        var u = await User(user).GetSnapshotAsync();
        Assert.Equal(acme, u!.AccountId); // the explicit account on the last event is now the latest membership
        Assert.Equal([globex, acme], u.Accounts);
        Assert.Equal(2, u.Events["dashboard viewed"].Last24Hours);
    }

    [Fact]
    public async Task counters_and_active_users_follow_the_clock()
    {
        var acme = GrainTestEvents.NewId("acme");
        var start = fixture.Time.GetUtcNow();
        var e = new GrainTestEvents(start);
        await _router.RouteAsync(
        [
            e.Track("ada-" + acme, "feature.used", acme, "reports", at: start.AddMinutes(-5)),
            e.Track("bob-" + acme, "feature.used", acme, "reports", at: start.AddDays(-3)),
            e.Track("bob-" + acme, "feature.used", acme, "reports", at: start.AddDays(-40)),
        ]);

        var now = await Account(acme).GetSnapshotAsync();
        Assert.Equal(new WindowCounts(1, 1, 2, 2), now!.Features["reports"]);
        Assert.Equal(new ActiveUserCounts(1, 2, 2), now.ActiveUsers);
        Assert.Equal(start.AddMinutes(-5), now.LastSeen);
        Assert.Equal(start.AddDays(-40), now.FirstSeen);

        fixture.Time.Advance(TimeSpan.FromDays(5));
        var later = await Account(acme).GetSnapshotAsync();
        Assert.Equal(new WindowCounts(0, 0, 1, 2), later!.Features["reports"]);
        Assert.Equal(new ActiveUserCounts(0, 1, 2), later.ActiveUsers);
    }

    [Fact]
    public async Task a_free_plan_using_a_paid_feature_raises_one_alert_into_the_outbox()
    {
        var (user, acme) = (GrainTestEvents.NewId("u"), GrainTestEvents.NewId("acme"));
        var e = Events;
        await _router.RouteAsync([e.Group(user, acme, ("name", "Acme"), ("plan", "free"), ("slack_channel", "#ada-alerts"))]);

        await _router.RouteAsync([e.Track(user, "feature.used", feature: "csv.export")]);
        await _router.RouteAsync([e.Track(user, "feature.used", feature: "csv.export")]);

        var alert = Assert.Single(await fixture.Outbox.QueryAsync(new AlertQuery(AccountId: acme), default));
        Assert.Equal(SignalNames.PaidFeatureOnFreePlan, alert.Alert.Signal);
        Assert.Equal("#ada-alerts", alert.Alert.Channel);
        Assert.Equal(AlertDeliveryStatus.Pending, alert.Status);
        var snapshot = await Account(acme).GetSnapshotAsync();
        Assert.Equal(alert.Alert.AlertId, Assert.Single(snapshot!.RecentAlerts).AlertId);
        Assert.Equal(2, snapshot.Features["csv.export"].Last24Hours);
    }

    [Fact]
    public async Task state_survives_deactivation()
    {
        var acme = GrainTestEvents.NewId("acme");
        var e = Events;
        await _router.RouteAsync([e.Group("u-" + acme, acme, ("plan", "free")), e.Track("u-" + acme, "feature.used", acme, "reports")]);
        await Account(acme).AssignOwnerAsync(new OwnerAssignment("ada@vendor.com", "#ada-alerts"));

        await fixture.Cluster.DeactivateAsync(Account(acme));
        await fixture.Cluster.WaitForDeactivationAsync(Account(acme));

        var snapshot = await Account(acme).GetSnapshotAsync();
        Assert.Equal(("free", "ada@vendor.com", "#ada-alerts"), (snapshot!.Profile.Plan, snapshot.Profile.Owner, snapshot.Profile.SlackChannel));
        Assert.Equal(1, snapshot.Features["reports"].Last24Hours);
    }

    [Fact]
    public async Task identify_traits_land_on_the_user()
    {
        var user = GrainTestEvents.NewId("u");
        await _router.RouteAsync([Events.Identify(user, ("email", "ada@acme.com"), ("name", "Ada"))]);

        var snapshot = await User(user).GetSnapshotAsync();
        Assert.Equal(("ada@acme.com", "Ada"), (snapshot!.Email, snapshot.Name));
        Assert.Null(snapshot.AccountId);
    }
}
