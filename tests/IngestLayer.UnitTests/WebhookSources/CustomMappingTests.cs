using System.Text.Json;
using IngestLayer.Contracts.Webhooks;
using IngestLayer.Gateway.WebhookSources;

namespace IngestLayer.UnitTests.WebhookSources;

public class CustomMappingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 11, 0, 0, TimeSpan.Zero);

    private static readonly CompiledWebhookMapping Crm = CompiledWebhookMapping.Compile(new WebhookMapping
    {
        Event = ["$.event"],
        Account = ["$.org.external_id", "$.org.id"],
        User = ["$.actor.email"],
        Timestamp = ["$.occurred_at"],
        Properties = ["$.deal"],
        Names = new Dictionary<string, string> { ["deal.won"] = "crm deal won", ["deal.lost"] = "crm deal lost" },
        Unmapped = WebhookUnmapped.Ignore,
    });

    private static WebhookMappingResult Map(string json, CompiledWebhookMapping mapping, string? messageId = "msg_1") =>
        mapping.Map(JsonDocument.Parse(json).RootElement, "ws", "whsrc_crm", messageId, signedAt: Now.AddSeconds(-3), receivedAt: Now);

    [Fact]
    public void a_custom_mapping_reads_every_field_where_it_says_and_uses_the_verified_webhook_id()
    {
        var e = Map("""{"id": "body-id", "event": "deal.won", "org": {"id": 991, "external_id": null}, "actor": {"email": "ada@acme.com"}, "occurred_at": "2026-11-29T08:30:00+01:00", "deal": {"id": "d1", "amount": 1200}}""", Crm).Event!;

        Assert.Equal(("crm deal won", "991", "ada@acme.com", "msg_1"), (e.Name, e.AccountId, e.UserId, e.MessageId));
        Assert.Null(e.AnonymousId);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 7, 30, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("""{"id": "d1", "amount": 1200}""", e.PropertiesJson);
    }

    [Fact]
    public void without_a_timestamp_in_the_payload_the_signed_send_time_is_the_event_time()
    {
        var e = Map("""{"event": "deal.lost", "org": {"id": "o1"}}""", Crm).Event!;

        Assert.Equal(Now.AddSeconds(-3), e.Timestamp);
        Assert.Equal("{}", e.PropertiesJson);
    }

    [Fact]
    public void an_unlisted_name_is_ignored_and_without_names_every_name_is_kept()
    {
        var bare = CompiledWebhookMapping.Compile(new WebhookMapping { Event = ["$.event"], Account = ["$.org.id"] });

        Assert.Equal("deal.created", Map("""{"event": "deal.created", "org": {"id": "o1"}}""", Crm).IgnoredName);
        Assert.Equal("deal.created", Map("""{"event": "deal.created", "org": {"id": "o1"}}""", bare).Event!.Name);
    }

    [Theory]
    [InlineData("""{"org": {"id": "o1"}}""", "mapping.event", "found no event name at $.event")]
    [InlineData("""{"event": {"name": "x"}, "org": {"id": "o1"}}""", "mapping.event", "found an object at $.event")]
    [InlineData("""{"event": "deal.won", "org": {"id": ""}}""", "mapping.account", "found an empty or over-long string at $.org.id")]
    [InlineData("""{"event": "deal.won", "org": {"id": "o1"}, "occurred_at": "yesterday"}""", "mapping.timestamp", "neither Unix seconds nor an ISO 8601")]
    [InlineData("""{"event": "deal.won", "org": {"id": "o1"}, "deal": [1]}""", "mapping.properties", "not an object")]
    [InlineData("""{"event": "deal.won", "org": {"id": 1.5}}""", "mapping.account", "a number that is not an integer")]
    public void a_payload_the_mapping_cannot_use_is_refused_naming_the_mapping_field(string json, string field, string error)
    {
        var result = Map(json, Crm);

        Assert.Null(result.Event);
        Assert.Equal(field, result.Field);
        Assert.Contains(error, result.Error);
    }

    [Fact]
    public void unix_seconds_are_read_as_a_timestamp()
    {
        var mapping = CompiledWebhookMapping.Compile(new WebhookMapping { Event = ["$.e"], Account = ["$.a"], Timestamp = ["$.t"] });

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_764_496_800), Map("""{"e": "x", "a": "acme", "t": 1764496800}""", mapping).Event!.Timestamp);
    }
}
