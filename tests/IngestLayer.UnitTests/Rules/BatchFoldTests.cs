using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using IngestLayer.Contracts;
using IngestLayer.Grains;
using IngestLayer.Grains.Counters;
using IngestLayer.Grains.Rules;
using static IngestLayer.UnitTests.Rules.RuleHarness;

namespace IngestLayer.UnitTests.Rules;

/// <summary>
/// A batch's counter adds are summed and made when a rule needs them (<see cref="AccountFold"/>): the state and the
/// alerts must be exactly those of applying the events one by one and evaluating each per-event rule right after
/// each event that moves it, which <see cref="EventByEvent"/> still does.
/// </summary>
public class BatchFoldTests
{
    private static readonly string[] Features = ["csv.export", "api.access", "reports.schedule", "sso.login", "audit.view"];
    private static readonly string[] Names =
    [
        "feature.used", "$pageview", "team member invited", "insight created",
        "billing invoice payment failed", "billing invoice paid", "hit billing limit", "billing limits updated",
        "billing subscription cancelled", "billing subscription paid",
    ];

    private static readonly RuleDefinition[] Rules =
    [
        Rule(RuleKinds.PaidFeatureOnFreePlan, new RuleParameters { Features = ["csv.export"], Plans = ["free"], MinCount = 1, WindowHours = 24 }, TimeSpan.Zero, id: "paid-1"),
        Rule(RuleKinds.PaidFeatureOnFreePlan, new RuleParameters { Features = ["CSV.Export", "sso.login"], Plans = ["free", "trial"], MinCount = 6, WindowHours = 1 }, TimeSpan.Zero, id: "paid-6"),
        Rule(RuleKinds.PaidFeatureOnFreePlan, new RuleParameters { Features = ["audit.view"], MinCount = 2, WindowHours = 3 }, TimeSpan.FromMinutes(30), id: "paid-0"),
        Rule(RuleKinds.PaymentFailed, cooldown: TimeSpan.Zero),
        Rule(RuleKinds.BillingLimitHit, cooldown: TimeSpan.FromHours(1)),
        Rule(RuleKinds.SubscriptionCancelled),
        Rule(RuleKinds.Threshold, new RuleParameters { Feature = "api.access", Window = "1h", Value = 8 }, TimeSpan.Zero, id: "api-8"),
        Rule(RuleKinds.Threshold, new RuleParameters { Event = "$pageview", Window = "24h", Operator = "<", Value = 5 }, TimeSpan.Zero, id: "few-views"),
        Rule(RuleKinds.UsageSpike, new RuleParameters { Feature = "reports.schedule", Factor = 2, MinCount = 4 }, TimeSpan.Zero),
        Rule(RuleKinds.SeatGrowth, new RuleParameters { Metric = "invites", MinCount = 3 }, TimeSpan.Zero, id: "invites"),
        Rule(RuleKinds.SeatGrowth, new RuleParameters { Metric = "active_users", Percent = 20, MinBaseline = 2 }, TimeSpan.Zero, id: "seats"),
        Rule(RuleKinds.EngagementDrop, new RuleParameters { Percent = 30, MinBaseline = 2 }, TimeSpan.Zero),
        Rule(RuleKinds.Inactivity, new RuleParameters { Days = 2 }, TimeSpan.Zero),
        Rule(RuleKinds.HealthScore, new RuleParameters { Operator = ">=", Value = 30 }, TimeSpan.Zero),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void a_folded_batch_leaves_the_state_and_alerts_of_applying_its_events_one_by_one(int seed)
    {
        var random = new Random(seed);
        var rules = CompiledRules.Compile(new RuleSet(Rules, IsDefault: false));
        var folded = new AccountState();
        var reference = new AccountState();
        var now = T0;
        var messages = 0;
        var position = 0L;
        var alerts = 0;
        for (var batch = 0; batch < 150; batch++)
        {
            now += random.Next(4) switch
            {
                0 => TimeSpan.FromSeconds(random.Next(1, 60)),
                1 => TimeSpan.FromMinutes(random.Next(1, 90)),
                2 => TimeSpan.FromHours(random.Next(1, 30)),
                _ => TimeSpan.FromDays(random.Next(1, 10)),
            };
            var origin = random.Next(3) == 0 ? null : "host-" + random.Next(2);
            var events = new IngestEvent[random.Next(0, 80)];
            for (var i = 0; i < events.Length; i++)
            {
                // Now and then a position already applied: a redelivery, skipped by both.
                var at = origin is null ? 0 : random.Next(10) == 0 ? Math.Max(1, position - random.Next(20)) : ++position;
                events[i] = Event(random, now, "m" + ++messages, at, seed);
            }

            var expected = EventByEvent(reference, rules, new EventBatch(events, origin), now);
            var actual = RuleRunner.ApplyBatch(folded, rules, "default", "acme", new EventBatch(events, origin), now) ?? [];

            Assert.Equal(expected.Select(Describe), actual.Select(Describe));
            Assert.Equal(Fingerprint(reference, now), Fingerprint(folded, now));
            alerts += actual.Count;
        }

        Assert.True(alerts > 20, $"only {alerts} alerts: the batches should cross rules mid-batch");
    }

    [Fact]
    public void past_the_key_cap_new_keys_count_under_other_in_the_order_single_adds_bring_them()
    {
        var rules = CompiledRules.Compile(new RuleSet([], IsDefault: false));
        var folded = new AccountState();
        var reference = new AccountState();
        var events = new AccountEvents();
        var batch = Enumerable.Range(0, CounterSet.MaxKeys + 50)
            .Select(i => events.Track("event " + (i % (CounterSet.MaxKeys + 20)), T0.AddMinutes(-(i % 3)), feature: "f" + (i % 7)))
            .ToArray();

        EventByEvent(reference, rules, new EventBatch(batch), T0);
        RuleRunner.ApplyBatch(folded, rules, "default", "acme", new EventBatch(batch), T0);

        Assert.Equal(Fingerprint(reference, T0), Fingerprint(folded, T0));
        Assert.NotNull(folded.Events.Get(CounterSet.OtherKey));
    }

    [Fact]
    public void a_sum_of_counts_past_int_max_saturates_the_bucket_as_single_adds_do()
    {
        var rules = CompiledRules.Compile(new RuleSet([], IsDefault: false));
        var folded = new AccountState();
        var reference = new AccountState();
        var events = new AccountEvents();
        var batch = Enumerable.Range(0, 3).Select(_ => events.Track("feature.used", T0, "csv.export", count: int.MaxValue - 1)).ToArray();

        EventByEvent(reference, rules, new EventBatch(batch), T0);
        RuleRunner.ApplyBatch(folded, rules, "default", "acme", new EventBatch(batch), T0);

        Assert.Equal(Fingerprint(reference, T0), Fingerprint(folded, T0));
        Assert.Equal(3L * (int.MaxValue - 1), folded.Features.Get("csv.export")!.Total);
    }

    /// <summary>The batch applied as before the fold: each event in full, then the per-event rules it moves.</summary>
    private static List<Alert> EventByEvent(AccountState state, CompiledRules rules, EventBatch batch, DateTimeOffset now)
    {
        RuleRunner.Rearm(state, rules, now);
        var fired = new List<Alert>();
        var applied = false;
        foreach (var e in batch.Events)
        {
            if (!state.Applied.Advance(batch.Origin, e.Position))
            {
                continue;
            }

            state.Apply(e, TimeBuckets.Of(now));
            applied = true;
            fired.AddRange(rules.PerEvent.Where(r => r.MovedBy(e)).Select(r => Evaluate(state, r, e, now)).OfType<Alert>());
        }

        if (applied)
        {
            fired.AddRange(rules.PerBatch.Select(r => Evaluate(state, r, null, now)).OfType<Alert>());
        }

        return fired;
    }

    private static Alert? Evaluate(AccountState state, CompiledRule rule, IngestEvent? trigger, DateTimeOffset now)
    {
        var latch = state.Latch(rule.Id);
        if (!latch.Evaluate(rule.Holds(state, now), now, rule.Definition.Cooldown))
        {
            return null;
        }

        var body = rule.Describe(state, "acme", trigger, now);
        return new Alert
        {
            AlertId = trigger is not null ? RuleRunner.AlertId("default", "acme", rule.Id, trigger) : RuleRunner.AlertId("default", "acme", rule.Id, latch.Fired, now),
            Rule = rule.Id,
            Title = body.Title,
            Subject = body.Subject,
            Explanation = body.Explanation,
            Evidence = body.Evidence,
            Plan = state.Plan,
            FiredAt = now,
        };
    }

    private static string Describe(Alert a) =>
        $"{a.AlertId} {a.Rule} {a.Title} | {a.Subject} | {a.Explanation} | {string.Join("; ", a.Evidence.Select(x => x.Label + "=" + x.Value))} | {a.Plan} {a.FiredAt:O}";

    private static IngestEvent Event(Random random, DateTimeOffset now, string messageId, long position, int seed)
    {
        var age = random.Next(20) switch
        {
            0 => TimeSpan.FromDays(random.Next(1, 80)), // late, some past every tier
            1 => TimeSpan.FromHours(random.Next(1, 50)),
            2 => TimeSpan.FromSeconds(-random.Next(1, 600)), // a skewed clock: counted as now
            _ => TimeSpan.FromSeconds(random.Next(0, 150)),
        };
        var name = Names[random.Next(100) < 60 ? 0 : random.Next(Names.Length)];
        var feature = name == "feature.used" && random.Next(10) > 0 ? Features[random.Next(Features.Length)] : null;
        // Keys arrive pooled from the gateway, but not from every path: some are copies, some differ in case.
        if (random.Next(4) == 0)
        {
            name = new string(name.AsSpan());
            feature = feature is null ? null : random.Next(3) == 0 ? feature.ToUpperInvariant() : new string(feature.AsSpan());
        }

        if (seed % 4 == 0 && random.Next(3) == 0)
        {
            name = "custom " + random.Next(40); // many keys: the pending sums fill and flush
        }

        var kind = random.Next(30) switch
        {
            0 => EventKind.Group,
            1 => EventKind.Identify,
            2 => EventKind.Page,
            _ => EventKind.Track,
        };
        var anonymous = random.Next(15) == 0;
        return new IngestEvent
        {
            Workspace = "default",
            Source = "web",
            MessageId = messageId,
            Position = position,
            Kind = kind,
            Name = name,
            UserId = anonymous ? null : "u" + random.Next(12),
            AnonymousId = anonymous ? "anon-" + random.Next(3) : null,
            AccountId = "acme",
            Timestamp = now - age,
            ReceivedAt = now,
            Feature = feature,
            Count = random.Next(12) switch { 0 => 0, 1 => -2, 2 => 5, _ => 1 },
            Plan = random.Next(8) switch { 0 => "free", 1 => "pro", 2 => " ", 3 => "Trial", _ => null },
            Traits = kind == EventKind.Group ? new Dictionary<string, string> { ["plan"] = random.Next(2) == 0 ? "free" : "enterprise", ["name"] = "Acme" } : null,
            Properties = "{\"amount\":12,\"currency\":\"eur\"}"u8.ToArray(),
        };
    }

    /// <summary>Everything the state holds that a read could see, counters tier by tier and keys in their order.</summary>
    private static string Fingerprint(AccountState s, DateTimeOffset now)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"{s.Known} {s.EventsApplied} {s.Name} {s.Plan} {s.Owner} {s.SlackChannel} {s.FirstSeen:O} {s.LastSeen:O}\n");
        b.Append(string.Join(",", s.Traits.Select(t => t.Key + "=" + t.Value))).Append('\n');
        var billing = s.Billing;
        b.Append(CultureInfo.InvariantCulture, $"{billing.Status} {billing.LastPaymentFailedAt:O} {billing.LastPaidAt:O} {billing.LastLimitHitAt:O} {billing.CancelledAt:O} {billing.LastFailedAmount}\n");
        b.Append(string.Join(",", s.Members)).Append('\n');
        b.Append(CultureInfo.InvariantCulture, $"{s.Applied.Through("host-0")} {s.Applied.Through("host-1")}\n");
        foreach (var (id, latch) in s.Latches)
        {
            b.Append(CultureInfo.InvariantCulture, $"{id}: {latch.Raised} {latch.LastFiredAt:O} {latch.Suppressed} {latch.Fired}\n");
        }

        foreach (var set in new[] { s.Events, s.Features })
        {
            foreach (DictionaryEntry entry in (IDictionary)Field(set, "_counters")!)
            {
                var counter = (WindowedCounter)entry.Value!;
                b.Append(CultureInfo.InvariantCulture, $"{entry.Key}: {counter.Total}");
                foreach (var (pairs, used) in new[] { ("_minutes", "_minuteCount"), ("_hours", "_hourCount"), ("_days", "_dayCount") })
                {
                    var values = (int[]?)Field(counter, pairs) ?? [];
                    b.Append(" [").Append(string.Join(",", values.Take((byte)Field(counter, used)! * 2))).Append(']');
                }

                b.Append('\n');
            }
        }

        foreach (DictionaryEntry entry in (IDictionary)Field(s.ActiveUsers, "_users")!)
        {
            b.Append(CultureInfo.InvariantCulture, $"{entry.Key}={entry.Value} ");
        }

        b.Append(CultureInfo.InvariantCulture, $"\n{s.ActiveUsers.Counts(now)}");
        return b.ToString();
    }

    private static object? Field(object owner, string name) =>
        owner.GetType().GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(owner);
}
