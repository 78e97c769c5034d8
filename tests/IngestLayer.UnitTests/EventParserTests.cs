using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Parsing;
using IngestLayer.Gateway.Security;

namespace IngestLayer.UnitTests;

public class EventParserTests
{
    private static readonly Source Web = new("web", "default");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static ParsedBatch Native(string json, int maxEventBytes = 32 * 1024)
    {
        using var doc = JsonDocument.Parse(json);
        return NativeEventParser.Parse(doc.RootElement, Web, Now, maxEventBytes);
    }

    private static ParsedBatch Segment(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return SegmentEventParser.ParseBatch(doc.RootElement, Web, Now, 32 * 1024);
    }

    [Fact]
    public void a_native_event_keeps_its_properties_whole_and_reads_the_usage_fields()
    {
        var batch = Native("""{"event":"feature.used","user_id":"u1","account_id":"acme","message_id":"m1","timestamp":"2026-11-23T11:00:00Z","properties":{"feature":"csv.export","count":2,"plan":"free","nested":{"a":[1,2]}}}""");

        var e = Assert.Single(batch.Events);
        Assert.Empty(batch.Rejected);
        Assert.Equal(("default", "web", "m1", "feature.used", "u1", "acme"), (e.Workspace, e.Source, e.MessageId, e.Name, e.UserId, e.AccountId));
        Assert.Equal(("csv.export", 2, "free"), (e.Feature, e.Count, e.Plan));
        Assert.Equal(Now.AddHours(-1), e.Timestamp);
        Assert.Equal("""{"feature":"csv.export","count":2,"plan":"free","nested":{"a":[1,2]}}""", e.PropertiesJson);
    }

    [Fact]
    public void defaults_fill_in_the_time_and_a_generated_message_id()
    {
        var e = Assert.Single(Native("""{"event":"signed up","anonymous_id":42}""").Events);

        Assert.Equal(Now, e.Timestamp);
        Assert.StartsWith("gen-", e.MessageId);
        Assert.Equal("42", e.AnonymousId);
        Assert.Equal("anon:42", e.UserKey);
    }

    [Fact]
    public void valid_events_of_a_batch_are_kept_and_each_bad_one_is_named_by_index_and_field()
    {
        var batch = Native("""
            {"events":[
              {"event":"ok","user_id":"u1"},
              {"user_id":"u1"},
              {"event":"x"},
              {"event":"x","user_id":true},
              {"event":"x","user_id":"u1","timestamp":"yesterday"},
              {"event":"x","user_id":"u1","properties":[1]},
              {"event":"feature.used","user_id":"u1","properties":{}},
              {"event":"feature.used","user_id":"u1","properties":{"feature":"a","count":-1}},
              "not an object",
              {"event":"also ok","user_id":"u2"}
            ]}
            """);

        Assert.Equal(["ok", "also ok"], batch.Events.Select(e => e.Name));
        Assert.Equal(
            [(1, "event"), (2, "user_id"), (3, "user_id"), (4, "timestamp"), (5, "properties"), (6, "properties.feature"), (7, "properties.count"), (8, "")],
            batch.Rejected.Select(r => (r.Index, r.Field)));
        Assert.Equal("must be a string or an integer, got a boolean", batch.Rejected[2].Error);
    }

    [Fact]
    public void an_envelope_that_is_not_an_event_or_a_batch_is_refused_whole()
    {
        Assert.NotNull(Native("[1,2]").EnvelopeError);
        Assert.NotNull(Native("""{"events":{}}""").EnvelopeError);
        Assert.NotNull(Native("""{"events":[]}""").EnvelopeError);
    }

    [Fact]
    public void an_oversize_event_is_rejected_by_index_in_a_batch_and_as_a_whole_alone()
    {
        var big = new string('x', 2000);
        var batch = Native($$$"""{"events":[{"event":"a","user_id":"u"},{"event":"b","user_id":"u","properties":{"p":"{{{big}}}"}}]}""", maxEventBytes: 1024);
        Assert.Single(batch.Events);
        Assert.Equal(1, Assert.Single(batch.Rejected).Index);

        Assert.True(Native($$$"""{"event":"b","user_id":"u","properties":{"p":"{{{big}}}"}}""", maxEventBytes: 1024).Oversize);
    }

    [Fact]
    public void segment_messages_map_to_their_kinds_with_the_account_from_group_id_or_context()
    {
        var batch = Segment("""
            {"batch":[
              {"type":"identify","userId":"u1","traits":{"email":"ada@acme.com","name":"Ada","age":36,"address":{"city":"x"}},"messageId":"a"},
              {"type":"group","userId":"u1","groupId":"acme","traits":{"name":"Acme","plan":"free"},"messageId":"b"},
              {"type":"track","userId":"u1","event":"feature.used","properties":{"feature":"csv.export"},"context":{"groupId":"acme-2"},"messageId":"c"},
              {"type":"page","anonymousId":"v1","name":"Docs","properties":{"url":"https://x/docs"},"messageId":"d"},
              {"type":"alias","userId":"u1","previousId":"v1","messageId":"e"}
            ]}
            """);

        Assert.Empty(batch.Rejected);
        Assert.Equal([EventKind.Identify, EventKind.Group, EventKind.Track, EventKind.Page, EventKind.Alias], batch.Events.Select(e => e.Kind));
        Assert.Equal(new Dictionary<string, string> { ["email"] = "ada@acme.com", ["name"] = "Ada", ["age"] = "36" }, batch.Events[0].Traits);
        Assert.Equal("acme", batch.Events[1].AccountId);
        Assert.Equal("acme-2", batch.Events[2].AccountId);
        Assert.Equal("csv.export", batch.Events[2].Feature);
        Assert.Equal("$pageview", batch.Events[3].Name);
        Assert.Equal("v1", batch.Events[4].PreviousId);
    }

    [Fact]
    public void segment_sent_at_corrects_the_client_clock()
    {
        // The client's clock is 10 minutes fast: it stamped the event 1 minute before it sent the batch.
        var batch = Segment("""{"sentAt":"2026-11-23T12:10:00Z","batch":[{"type":"track","userId":"u","event":"x","timestamp":"2026-11-23T12:09:00Z"}]}""");

        Assert.Equal(Now.AddMinutes(-1), Assert.Single(batch.Events).Timestamp);
    }

    [Fact]
    public void segment_messages_missing_their_required_fields_are_named()
    {
        var batch = Segment("""
            {"batch":[
              {"type":"track","userId":"u"},
              {"type":"group","userId":"u"},
              {"type":"alias","userId":"u"},
              {"type":"bogus","userId":"u"},
              {"type":"identify"}
            ]}
            """);

        Assert.Empty(batch.Events);
        Assert.Equal([(0, "event"), (1, "groupId"), (2, "previousId"), (3, "type"), (4, "userId")], batch.Rejected.Select(r => (r.Index, r.Field)));
    }
}
