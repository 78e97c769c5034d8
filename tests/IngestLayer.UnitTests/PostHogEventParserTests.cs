using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Parsing;
using IngestLayer.Gateway.PostHog;
using IngestLayer.Gateway.Security;

namespace IngestLayer.UnitTests;

public class PostHogEventParserTests
{
    private static readonly Source Web = new("web", "default");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static ParsedBatch Parse(string json, string groupType = "organization", DateTimeOffset? querySentAt = null, int maxEventBytes = 32 * 1024)
    {
        using var doc = JsonDocument.Parse(json);
        return PostHogEventParser.Parse(doc.RootElement, Web, Now, maxEventBytes, groupType, querySentAt);
    }

    private static string? ApiKey(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return PostHogEventParser.BodyApiKey(doc.RootElement);
    }

    public static TheoryData<string, string, EventKind, string, string?, string?> Mappings => new()
    {
        // name, event, kind, name kept, user id, account id
        { "capture with the account's group", """{"event":"feature.used","distinct_id":"u1","properties":{"feature":"csv.export","$groups":{"organization":"acme","team":"t9"}}}""", EventKind.Track, "feature.used", "u1", "acme" },
        { "capture without groups", """{"event":"report exported","distinct_id":"u1"}""", EventKind.Track, "report exported", "u1", null },
        { "a group of another type names no account", """{"event":"x","distinct_id":"u1","properties":{"$groups":{"company":"c1"}}}""", EventKind.Track, "x", "u1", null },
        { "pageview", """{"event":"$pageview","distinct_id":"u1","properties":{"$current_url":"https://app.example/docs"}}""", EventKind.Page, "$pageview", "u1", null },
        { "screen", """{"event":"$screen","distinct_id":"u1","properties":{"$screen_name":"Home"}}""", EventKind.Screen, "$screen", "u1", null },
        { "identify", """{"event":"$identify","distinct_id":"u1","properties":{"$set":{"email":"ada@acme.example"}}}""", EventKind.Identify, "$identify", "u1", null },
        { "set", """{"event":"$set","distinct_id":"u1","properties":{"$set":{"plan":"pro"}}}""", EventKind.Identify, "$set", "u1", null },
        { "groupidentify by a user", """{"event":"$groupidentify","distinct_id":"u1","properties":{"$group_type":"organization","$group_key":"acme","$group_set":{"name":"Acme"}}}""", EventKind.Group, "$groupidentify", "u1", "acme" },
        { "groupidentify by the group itself", """{"event":"$groupidentify","distinct_id":"$organization_acme","properties":{"$group_type":"organization","$group_key":"acme"}}""", EventKind.Group, "$groupidentify", null, "acme" },
        { "create alias", """{"event":"$create_alias","distinct_id":"u1","properties":{"distinct_id":"u1","alias":"old-id"}}""", EventKind.Alias, "$create_alias", "u1", null },
        { "distinct id in properties, numeric", """{"event":"x","properties":{"distinct_id":42}}""", EventKind.Track, "x", "42", null },
        { "anonymous visitor", """{"event":"$pageview","distinct_id":"0190-anon","properties":{"$process_person_profile":false}}""", EventKind.Page, "$pageview", null, null },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public void posthog_events_map_to_their_kind_user_and_account(string name, string json, EventKind kind, string eventName, string? userId, string? accountId)
    {
        var batch = Parse(json);

        Assert.True(batch.Rejected.Count == 0, $"{name}: {string.Join("; ", batch.Rejected)}");
        var e = Assert.Single(batch.Events);
        Assert.Equal((kind, eventName, userId, accountId), (e.Kind, e.Name, e.UserId, e.AccountId));
        Assert.Equal(("default", "web"), (e.Workspace, e.Source));
    }

    [Fact]
    public void a_posthog_node_batch_keeps_uuid_properties_and_traits()
    {
        var batch = Parse("""
            {"api_key":"phc_key","sent_at":"2026-11-23T12:00:05Z","batch":[
              {"distinct_id":"u1","event":"$identify","properties":{"$set":{"email":"ada@acme.example","age":36,"tags":["a"]},"$set_once":{"first":"x"},"$lib":"posthog-node"},"timestamp":"2026-11-23T12:00:00Z","uuid":"0193-a"},
              {"distinct_id":"$organization_acme","event":"$groupidentify","properties":{"$group_type":"organization","$group_key":"acme","$group_set":{"name":"Acme Inc","plan":"free"}},"timestamp":"2026-11-23T12:00:01Z","uuid":"0193-b"},
              {"distinct_id":"u1","event":"feature.used","properties":{"feature":"reports.schedule","count":3,"plan":"free","$groups":{"organization":"acme"}},"timestamp":"2026-11-23T12:00:02Z","uuid":"0193-c"}
            ]}
            """);

        Assert.Empty(batch.Rejected);
        Assert.Equal(["0193-a", "0193-b", "0193-c"], batch.Events.Select(e => e.MessageId));
        var (identify, group, track) = (batch.Events[0], batch.Events[1], batch.Events[2]);
        Assert.Equal(new Dictionary<string, string> { ["email"] = "ada@acme.example", ["age"] = "36" }, identify.Traits);
        Assert.Contains("\"$lib\":\"posthog-node\"", identify.PropertiesJson);
        Assert.Equal(new Dictionary<string, string> { ["name"] = "Acme Inc", ["plan"] = "free" }, group.Traits);
        Assert.Equal("anon:$organization_acme", group.UserKey);
        Assert.Equal(("reports.schedule", 3, "free"), (track.Feature, track.Count, track.Plan));
        // sent_at is 5 s ahead of our clock: every event moves back by as much.
        Assert.Equal([Now.AddSeconds(-5), Now.AddSeconds(-4), Now.AddSeconds(-3)], batch.Events.Select(e => e.Timestamp));
    }

    [Fact]
    public void set_at_the_top_level_as_posthog_js_sends_it_is_read_too()
    {
        var e = Assert.Single(Parse("""[{"event":"$identify","distinct_id":"u1","$set":{"name":"Ada"},"properties":{"token":"phc_key"}}]""").Events);

        Assert.Equal(new Dictionary<string, string> { ["name"] = "Ada" }, e.Traits);
    }

    [Fact]
    public void the_event_time_follows_posthogs_clock_skew_rules()
    {
        // offset (ms before sending) wins over everything.
        Assert.Equal(Now.AddSeconds(-2), Assert.Single(Parse("""{"event":"x","distinct_id":"u","offset":2000,"timestamp":"2020-01-01T00:00:00Z"}""").Events).Timestamp);
        // No sent_at: the timestamp as sent.
        Assert.Equal(Now.AddHours(-1), Assert.Single(Parse("""{"event":"x","distinct_id":"u","timestamp":"2026-11-23T11:00:00Z"}""").Events).Timestamp);
        // posthog-js's ?_= stands in for sent_at.
        Assert.Equal(Now.AddMinutes(-1), Assert.Single(Parse("""{"event":"x","distinct_id":"u","timestamp":"2026-11-23T13:00:00Z"}""", querySentAt: Now.AddHours(1).AddMinutes(1)).Events).Timestamp);
        // $ignore_sent_at keeps an imported event's own time.
        Assert.Equal(Now.AddDays(-3), Assert.Single(Parse("""{"event":"x","distinct_id":"u","timestamp":"2026-11-20T12:00:00Z","sent_at":"2026-11-23T13:00:00Z","properties":{"$ignore_sent_at":true}}""").Events).Timestamp);
        // Nothing: now, and a generated message id.
        var bare = Assert.Single(Parse("""{"event":"x","distinct_id":"u"}""").Events);
        Assert.Equal(Now, bare.Timestamp);
        Assert.StartsWith("gen-", bare.MessageId);
    }

    [Fact]
    public void the_configured_group_type_decides_the_account()
    {
        var e = Assert.Single(Parse("""{"event":"x","distinct_id":"u1","properties":{"$groups":{"organization":"o1","company":"c1"}}}""", groupType: "company").Events);

        Assert.Equal("c1", e.AccountId);
    }

    [Theory]
    [InlineData("""{"api_key":"k1","batch":[]}""", "k1")]
    [InlineData("""{"token":"k2","event":"x","distinct_id":"u"}""", "k2")]
    [InlineData("""[{"event":"x","distinct_id":"u","properties":{"token":"k3"}}]""", "k3")]
    [InlineData("""{"batch":[{"event":"x","distinct_id":"u","api_key":"k4"}]}""", "k4")]
    [InlineData("""{"event":"x","distinct_id":"u","properties":{"token":"k5"}}""", "k5")]
    [InlineData("""{"event":"x","distinct_id":"u"}""", null)]
    [InlineData("""[]""", null)]
    public void the_project_key_is_found_where_posthog_looks(string json, string? key)
    {
        Assert.Equal(key, ApiKey(json));
    }

    [Fact]
    public void each_bad_event_is_named_by_index_and_field_and_the_good_ones_are_kept()
    {
        var batch = Parse("""
            {"api_key":"k1","batch":[
              {"event":"ok","distinct_id":"u1"},
              {"distinct_id":"u1"},
              {"event":"x"},
              {"event":"x","distinct_id":{"a":1}},
              {"event":"x","distinct_id":"u1","timestamp":"soon"},
              {"event":"x","distinct_id":"u1","properties":[1]},
              {"event":"x","distinct_id":"u1","properties":{"$groups":"acme"}},
              {"event":"$groupidentify","distinct_id":"u1","properties":{"$group_type":"company","$group_key":"c1"}},
              {"event":"$groupidentify","distinct_id":"u1","properties":{"$group_type":"organization"}},
              {"event":"$create_alias","distinct_id":"u1","properties":{}},
              {"event":"feature.used","distinct_id":"u1","properties":{}},
              {"event":"x","distinct_id":"u1","api_key":"k2"},
              {"event":"x","distinct_id":"u1","offset":"later"},
              7,
              {"event":"also ok","distinct_id":"u2","api_key":"k1"}
            ]}
            """);

        Assert.Equal(["ok", "also ok"], batch.Events.Select(e => e.Name));
        Assert.Equal(
            [
                (1, "event"), (2, "distinct_id"), (3, "distinct_id"), (4, "timestamp"), (5, "properties"), (6, "properties.$groups"),
                (7, "properties.$group_type"), (8, "properties.$group_key"), (9, "properties.alias"), (10, "properties.feature"),
                (11, "api_key"), (12, "offset"), (13, ""),
            ],
            batch.Rejected.Select(r => (r.Index, r.Field)));
        Assert.Equal("is 'company'; only 'organization' groups are accounts here (IngestLayer:PostHog:GroupType)", batch.Rejected[6].Error);
    }

    [Fact]
    public void an_envelope_that_is_no_event_or_batch_is_refused_whole()
    {
        Assert.Equal("The body must be an event, an array of events or {\"batch\": [...]}, got a string.", Parse("\"hi\"").EnvelopeError);
        Assert.Equal("'batch' must be an array of events, got an object.", Parse("""{"batch":{}}""").EnvelopeError);
        Assert.Equal("The request must hold at least one event.", Parse("""{"api_key":"k","batch":[]}""").EnvelopeError);
        Assert.Equal("'sent_at' must be an ISO 8601 date-time, e.g. \"2026-11-23T19:00:00Z\".", Parse("""{"sent_at":"now","batch":[{"event":"x","distinct_id":"u"}]}""").EnvelopeError);
    }

    [Fact]
    public void an_oversize_single_event_is_too_large_and_one_in_a_batch_is_rejected_alone()
    {
        var big = "{\"event\":\"x\",\"distinct_id\":\"u\",\"properties\":{\"p\":\"" + new string('x', 2000) + "\"}}";

        Assert.True(Parse(big, maxEventBytes: 1024).Oversize);
        var batch = Parse("[" + big + ",{\"event\":\"small\",\"distinct_id\":\"u\"}]", maxEventBytes: 1024);
        Assert.Equal("small", Assert.Single(batch.Events).Name);
        Assert.Equal((0, ""), (batch.Rejected.Single().Index, batch.Rejected.Single().Field));
    }
}
