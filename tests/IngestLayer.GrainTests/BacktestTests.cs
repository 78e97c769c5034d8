using IngestLayer.Contracts;
using IngestLayer.Grains.Rules;
using IngestLayer.Storage;

namespace IngestLayer.GrainTests;

/// <summary>Backtesting: replaying stored events through a rule names exactly the alerts live evaluation fired.</summary>
[Collection(ClusterCollection.Name)]
public class BacktestTests(ClusterFixture fixture)
{
    private static RuleDefinition Reports(string id) => new()
    {
        Id = id,
        Kind = RuleKinds.Threshold,
        Parameters = new RuleParameters { Event = "report exported", Window = "24h", Operator = ">=", Value = 3 },
        Severity = RuleSeverities.Warning,
        Cooldown = TimeSpan.FromHours(12),
    };

    private static RuleDefinition Quiet(string id) => new()
    {
        Id = id,
        Kind = RuleKinds.Inactivity,
        Parameters = new RuleParameters { Days = 2 },
        Severity = RuleSeverities.Warning,
        Cooldown = TimeSpan.FromHours(1),
    };

    [Fact]
    public async Task a_backtest_over_the_events_live_evaluation_saw_yields_the_same_alerts()
    {
        var ws = "ws_" + Guid.NewGuid().ToString("N")[..10];
        var rules = fixture.Grains.GetGrain<IWorkspaceRulesGrain>(GrainKeys.Rules(ws));
        await rules.SaveAsync(Reports("reports"), WriteMode.Create, null);
        await rules.SaveAsync(Quiet("quiet"), WriteMode.Create, null);
        var schedule = TimeSpan.FromHours(1); // RulesOptions' default ScheduleInterval, which the live ticks below follow
        var start = fixture.Time.GetUtcNow();

        // Live: two accounts, each event applied at its own time, the schedule ticking every hour in between.
        var stored = new List<IngestEvent>();
        var plan = new (double Hours, string Account, string Event)[]
        {
            (0.1, "acme", "report exported"), (0.5, "acme", "report exported"), (0.7, "globex", "report exported"),
            (0.9, "acme", "report exported"), (1.2, "acme", "report exported"), (2.5, "globex", "dashboard viewed"),
            (30, "acme", "report exported"), (30.5, "acme", "report exported"), (31, "acme", "report exported"),
            (60, "globex", "report exported"), (60.1, "globex", "report exported"), (60.2, "globex", "report exported"),
        };
        // The schedule's ticks fall on whole hours, as the backtest assumes of a live timer or reminder.
        var nextTick = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        foreach (var (hours, account, name) in plan)
        {
            var at = start.AddHours(hours);
            for (; nextTick < at; nextTick += schedule)
            {
                fixture.Time.SetUtcNow(nextTick);
                foreach (var a in (string[])["acme", "globex"])
                {
                    await fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account(ws, a)).EvaluateScheduledAsync();
                }
            }

            fixture.Time.SetUtcNow(at);
            var e = new GrainTestEvents(at).Track("u-" + account, name, account) with { Workspace = ws, Position = stored.Count + 1 };
            stored.Add(e);
            await fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account(ws, account)).ApplyAsync(new EventBatch([e]));
        }

        var end = start.AddHours(90);
        for (; nextTick < end; nextTick += schedule)
        {
            fixture.Time.SetUtcNow(nextTick);
            foreach (var a in (string[])["acme", "globex"])
            {
                await fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account(ws, a)).EvaluateScheduledAsync();
            }
        }

        var live = (await fixture.Outbox.QueryAsync(new AlertQuery(ws, Limit: 1000), CancellationToken.None)).Select(e => e.Alert).ToList();
        foreach (var rule in (RuleDefinition[])[Reports("reports"), Quiet("quiet")])
        {
            var backtest = new Backtester(new BacktestRequest(ws, rule, start, end), schedule, _ => null);
            foreach (var e in stored)
            {
                backtest.Apply(e);
            }

            var replayed = backtest.Finish(stored.Count, truncated: false).Alerts;
            var fired = live.Where(a => a.Rule == rule.Id).OrderBy(a => a.FiredAt).ThenBy(a => a.AccountId, StringComparer.Ordinal).ToList();

            Assert.NotEmpty(fired);
            Assert.Equal(fired.Select(Summary), replayed.Select(Summary));
        }

        // The threshold fired three times (acme twice, 30h apart; globex once) and inactivity for both accounts.
        Assert.Equal(3, live.Count(a => a.Rule == "reports"));
        Assert.Equal(["acme", "globex"], live.Where(a => a.Rule == "quiet").Select(a => a.AccountId).Order(StringComparer.Ordinal).Distinct());
    }

    private static string Summary(Alert a) =>
        $"{a.AlertId} {a.AccountId} {a.Rule} {a.FiredAt:O} {a.Explanation} {string.Join(';', a.Evidence.Select(e => e.Label + '=' + e.Value))}";
}
