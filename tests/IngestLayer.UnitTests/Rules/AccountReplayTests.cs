using IngestLayer.Contracts;
using IngestLayer.Grains.Rules;
using static IngestLayer.UnitTests.Rules.RuleHarness;

namespace IngestLayer.UnitTests.Rules;

public class AccountReplayTests
{
    private static readonly TimeSpan Hourly = TimeSpan.FromHours(1);

    [Fact]
    public void the_schedule_s_ticks_up_to_now_cross_a_time_based_rule_which_then_stays_latched()
    {
        var rules = CompiledRules.Compile(new RuleSet([Rule(RuleKinds.Inactivity, new RuleParameters { Days = 2 }, id: "quiet")], IsDefault: false));
        var events = new AccountEvents();
        var now = T0.AddDays(5);
        var replay = new AccountReplay(rules, "default", "acme", Hourly, now);

        replay.Apply(events.Track("dashboard viewed", T0), "host-a");
        var state = replay.Finish();

        Assert.Equal((1L, 1), (replay.EventsReplayed, replay.AlertsSuppressed));
        Assert.Equal(new Dictionary<string, int> { ["quiet"] = 1 }, replay.SuppressedPerRule);
        Assert.Equal(["quiet"], replay.RulesHolding());
        Assert.Equal(T0.AddDays(2), state.Latch("quiet").LastFiredAt); // crossed by the first tick two days in, not at the end
        Assert.Null(RuleRunner.EvaluateScheduled(state, rules, "default", "acme", now.AddHours(1))); // the live schedule goes on silently
    }

    [Fact]
    public void each_event_is_applied_at_its_own_time_never_going_back_and_never_past_now()
    {
        var rules = CompiledRules.Compile(new RuleSet([Rule(RuleKinds.Threshold, new RuleParameters { Event = "report exported", Window = "1h", Value = 2 }, id: "burst")], IsDefault: false));
        var events = new AccountEvents();
        var now = T0.AddDays(1);
        var replay = new AccountReplay(rules, "default", "acme", Hourly, now);

        // Two reports hours apart never make 2 in an hour; the late one (stored third, timed between) does, at the newest time seen.
        replay.Apply(events.Track("report exported", T0) with { Position = 1 }, "host-a");
        replay.Apply(events.Track("report exported", T0.AddHours(2.5)) with { Position = 2 }, "host-a");
        replay.Apply(events.Track("report exported", T0.AddHours(2.2)) with { Position = 3 }, "host-b");
        replay.Apply(events.Track("report exported", T0.AddDays(3)) with { Position = 4 }, "host-b"); // a future time is applied now
        var state = replay.Finish();

        Assert.Equal(1, replay.AlertsSuppressed);
        Assert.Equal(T0.AddHours(2.5), state.Latch("burst").LastFiredAt);
        Assert.Equal((4L, 4L), (state.EventsApplied, state.Events.Get("report exported")?.Total ?? -1));
        Assert.Equal((2L, 4L), (state.Applied.Through("host-a"), state.Applied.Through("host-b")));
        Assert.Equal(3, state.Events.Get("report exported")!.Counts(now).Last24Hours); // the future one counted as now, not beyond it
    }
}
