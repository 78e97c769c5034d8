using System.Text;
using IngestLayer.Contracts;
using IngestLayer.Contracts.Live;
using IngestLayer.Gateway.Live;
using IngestLayer.Grains;
using IngestLayer.Grains.Live;
using IngestLayer.Pipelines.Filters;

namespace IngestLayer.UnitTests;

/// <summary>The live feeds' pieces that need no cluster: the published batch, the watch cache, the subscriber's filter.</summary>
public class LiveFeedTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static IngestEvent Used(string feature, string propertiesJson = "{}") => new()
    {
        Workspace = "default",
        MessageId = Guid.NewGuid().ToString("N"),
        Name = "feature.used",
        UserId = "ada",
        AccountId = "acme",
        Timestamp = T0,
        Feature = feature,
        Properties = Encoding.UTF8.GetBytes(propertiesJson),
    };

    [Fact]
    public void a_live_batch_keeps_at_most_its_cap_of_events_and_marks_large_properties_truncated()
    {
        var large = "{\"blob\":\"" + new string('x', LiveStreams.MaxPropertiesBytes) + "\"}";
        var events = Enumerable.Range(0, LiveStreams.MaxEventsPerBatch + 7).Select(i => Used("f" + i, i == 0 ? large : "{\"i\":" + i + "}")).ToArray();
        var state = new AccountState { Name = "Acme Inc", Plan = "free", Owner = "ada@vendor.example" };

        var batch = LivePublisher.Build("default", "acme", state, events, fired: null, T0);

        Assert.Equal(LiveStreams.MaxEventsPerBatch, batch.Events.Count);
        Assert.Equal(7, batch.OmittedEvents);
        Assert.Null(batch.Events[0].PropertiesJson);
        Assert.True(batch.Events[0].PropertiesTruncated);
        Assert.Equal("{\"i\":1}", batch.Events[1].PropertiesJson);
        Assert.False(batch.Events[1].PropertiesTruncated);
        Assert.Equal(new LiveAccount("default", "acme", "Acme Inc", "free", "ada@vendor.example", null, batch.Account.Health, null), batch.Account);
        Assert.Empty(batch.Alerts);
    }

    [Fact]
    public void the_watch_cache_ignores_an_older_set_of_the_same_registry_but_takes_any_set_of_a_new_one()
    {
        var cache = new LiveWatchCache();
        Assert.True(cache.IsEmpty);
        var (epoch, next) = (Guid.NewGuid(), Guid.NewGuid());

        cache.Apply(new LiveWatchSet(epoch, 3, ["live-account/acct:default:acme"]));
        cache.Apply(new LiveWatchSet(epoch, 2, []));
        Assert.True(cache.IsWatched("live-account/acct:default:acme"));

        // A registry re-activated elsewhere counts from zero again: its set replaces the old one.
        cache.Apply(new LiveWatchSet(next, 1, ["live-owner/default:ada"]));
        Assert.False(cache.IsWatched("live-account/acct:default:acme"));
        Assert.True(cache.IsWatched("live-owner/default:ada"));
        Assert.Equal((next, 1L), (cache.Epoch, cache.Version));
    }

    [Fact]
    public void a_feed_filter_sees_an_alert_as_an_event_named_alert_with_its_rule_and_severity()
    {
        Assert.True(FilterCompiler.TryCompile("name == \"alert\" and properties.severity == \"critical\" and account.plan == \"free\"", null, out var compiled, out var error), error?.Message);
        var filter = new LiveFilter(compiled);
        var account = new LiveAccount("default", "acme", "Acme Inc", "free", "ada@vendor.example", null, 80, null);
        var alert = new LiveAlert { AlertId = "a1", Rule = "payment_failed", Signal = "payment_failed", Severity = "critical", FiredAt = T0 };

        Assert.True(filter.Matches(account, alert));
        Assert.False(filter.Matches(account, alert with { Severity = "info" }));
        Assert.False(filter.Matches(account with { Plan = "pro" }, alert));
        Assert.False(filter.Matches(account, LiveEvent.From(Used("csv.export"))));
    }

    [Fact]
    public void the_live_outbox_groups_a_feeds_batches_into_deliveries_that_fit_the_memory_streams_item_limit()
    {
        var outbox = new LiveOutbox();
        var props = "{\"blob\":\"" + new string('x', LiveStreams.MaxPropertiesBytes - 20) + "\"}";
        var state = new AccountState { Owner = "ada" };
        var big = LivePublisher.Build("default", "acme", state, Enumerable.Range(0, LiveStreams.MaxEventsPerBatch).Select(_ => Used("f", props)).ToArray(), fired: null, T0);
        var small = LivePublisher.Build("default", "acme", state, [Used("f")], fired: null, T0);
        for (var i = 0; i < 5; i++)
        {
            outbox.Add("live-owner/default:ada", big);
        }

        outbox.Add("live-owner/default:ada", small);
        outbox.Add("live-account/acct:default:acme", small);

        var taken = outbox.TakeAll();

        var owner = taken.Where(t => t.WatchKey == "live-owner/default:ada").Select(t => t.Delivery).ToList();
        Assert.Equal(6, owner.Sum(d => d.Batches.Count));
        Assert.True(owner.Count > 1);
        Assert.All(owner, d => Assert.True(d.Batches.Sum(LiveOutbox.EstimatedBytes) <= LiveOutbox.MaxDeliveryBytes || d.Batches.Count == 1));
        Assert.Same(small, Assert.Single(taken, t => t.WatchKey == "live-account/acct:default:acme").Delivery.Batches.Single());
        Assert.Empty(outbox.TakeAll());
    }
}
