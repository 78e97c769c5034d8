using System.Text;
using System.Text.Json;
using IngestLayer.Gateway.Parsing;
using IngestLayer.Gateway.Security;

namespace IngestLayer.UnitTests;

/// <summary>
/// The one-pass reader of native batches must give exactly the events the general parser gives, and must leave
/// every request it is not sure of to the general path (answering null), which alone names problems.
/// </summary>
public class NativeBatchReaderTests
{
    private static readonly Source Web = new("web", "default");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private const int MaxEventBytes = 32 * 1024;
    private const int MaxDepth = 32;

    private static ParsedBatch? Fast(string json, int maxEventBytes = MaxEventBytes) =>
        NativeBatchReader.TryRead(Encoding.UTF8.GetBytes(json), Web, Now, maxEventBytes, MaxDepth);

    private static ParsedBatch General(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return NativeEventParser.Parse(doc.RootElement, Web, Now, MaxEventBytes);
    }

    /// <summary>Both paths, event by event: every field, and the properties byte for byte.</summary>
    private static void AssertSameAsGeneral(string json)
    {
        var general = General(json);
        Assert.Empty(general.Rejected);
        var fast = Fast(json);
        Assert.NotNull(fast);
        Assert.Empty(fast.Rejected);
        Assert.Equal(general.Events.Count, fast.Events.Count);
        for (var i = 0; i < fast.Events.Count; i++)
        {
            var (g, f) = (general.Events[i], fast.Events[i]);
            Assert.Equal(g.PropertiesJson, f.PropertiesJson);
            if (g.MessageId.StartsWith("gen-", StringComparison.Ordinal))
            {
                Assert.StartsWith("gen-", f.MessageId);
                f = f with { MessageId = g.MessageId };
            }

            Assert.Equal(g with { Properties = default }, f with { Properties = default });
        }
    }

    [Fact]
    public void a_batch_like_an_sdk_sends_reads_the_same_as_the_general_parser()
    {
        var events = Enumerable.Range(0, 100).Select(i => i % 3 == 0
            ? $$$"""{"event":"feature.used","user_id":"user-{{{i}}}","account_id":"acct-{{{i % 7}}}","message_id":"m-{{{i}}}","timestamp":"2026-11-23T11:59:{{{i % 60:00}}}Z","properties":{"feature":"csv.export","count":{{{i + 1}}},"plan":"free","source":"loadgen"}}"""
            : $$$"""{"event":"$pageview","user_id":"user-{{{i}}}","account_id":"acct-{{{i % 7}}}","message_id":"m-{{{i}}}","timestamp":"2026-11-23T11:59:00.{{{i:000}}}+02:00","properties":{"url":"https://app.example.com/docs/page-{{{i}}}","plan":"pro"}}""");

        AssertSameAsGeneral($$"""{"events":[{{string.Join(",", events)}}]}""");
    }

    [Theory]
    [InlineData("""{"events":[{"properties":{"feature":"a.b"},"timestamp":"2026-11-23T11:00:00Z","user_id":"u1","event":"feature.used"}]}""")] // any field order
    [InlineData("""{"sentAt":"x","batch":[1,{"a":2}],"events":[{"event":"x","user_id":"u1"}],"context":{"library":{"name":"n"}}}""")] // other top-level fields ignored
    [InlineData("""{"events":[{"event":"x","user_id":"u1","extra":{"deep":[1,{"feature":"no"}]},"n":1.5,"b":true,"z":null}]}""")] // unknown fields skipped
    [InlineData("""{"events":[{"event":"x","user_id":"u1","account_id":null,"timestamp":null,"message_id":null,"properties":null,"anonymous_id":null}]}""")] // nulls are absent
    [InlineData("""{"events":[{"event":"x","anonymous_id":42},{"event":"y","user_id":7,"account_id":-3}]}""")] // integer ids
    [InlineData("""{"events":[{"event":"a","event":"b","user_id":"u1","properties":{"plan":"free"},"properties":{"feature":"f","count":null}}]}""")] // the last of a repeated field counts
    [InlineData("""{"events":[{"event":"caf\u00e9 \"quoted\"","user_id":"u\u0031","account_id":"\u0061cme","properties":{"feature":"\u0066","plan":"gr\u00fcn"}}]}""")] // escaped values
    [InlineData("""{"events":[{"event":"Größe 成功","user_id":"ü","properties":{"feature":"日本","nested":{"feature":"not this one","count":0}}}]}""")] // UTF-8, nested look-alikes
    [InlineData("""  {  "events" : [ { "event" : "x" , "user_id" : "u1" , "properties" : { } } ]  }  """)] // whitespace everywhere
    [InlineData("""{"events":[{"event":"feature.used","user_id":"u1","properties":{"feature":"f","count":1000000}}]}""")] // the largest count
    [InlineData("""{"events":[{"event":"x","user_id":"u1","account_id":"a1","account_id":5},{"event":"x","user_id":"u2","account_id":5,"account_id":"a2"}]}""")] // account ids, last counts
    [InlineData("""{"events":[{"event":"x","user_id":"u1","account_id":"a1","account_id":null},{"event":"x","user_id":"u2","account_id":"\u0061","account_id":"a 2 "}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","account_id":"açme"},{"event":"x","user_id":"u2","account_id":" a\t1 "}]}""")] // not ASCII; white space around
    public void what_it_accepts_it_reads_as_the_general_parser_does(string json) => AssertSameAsGeneral(json);

    [Theory]
    [InlineData("""{"event":"x","user_id":"u1"}""")] // a single event: the general path
    [InlineData("""{"events":[]}""")]
    [InlineData("""{"events":{}}""")]
    [InlineData("""{"events":[1]}""")]
    [InlineData("""[{"event":"x","user_id":"u1"}]""")]
    [InlineData("""{"events":[{"user_id":"u1"}]}""")]
    [InlineData("""{"events":[{"event":"x"}]}""")]
    [InlineData("""{"events":[{"event":" ","user_id":"u1"}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":true}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":""}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":1.5}]}""")]
    [InlineData("""{"events":[{"event":1,"user_id":"u1"}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","message_id":7}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","timestamp":"yesterday"}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","timestamp":"2026-11-23 11:00:00"}]}""")] // only the general parser reads it
    [InlineData("""{"events":[{"event":"x","user_id":"u1","timestamp":"1999-12-31T23:59:59Z"}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","timestamp":12}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","properties":[1]}]}""")]
    [InlineData("""{"events":[{"event":"feature.used","user_id":"u1","properties":{}}]}""")]
    [InlineData("""{"events":[{"event":"feature.used","user_id":"u1"}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","properties":{"count":0}}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","properties":{"count":1.5}}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","properties":{"count":"2"}}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","properties":{"count":1000001}}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","properties":{"plan":""}}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","properties":{"feature":["a"]}}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","account_id":""}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","account_id":"  "}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","account_id":"a1","account_id":" "}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1","account_id":true}]}""")]
    [InlineData("""{"events":[{"ev\u0065nt":"x","user_id":"u1"}]}""")] // an escaped field name
    [InlineData("""{"events":[{"event":"x","user_id":"u1","properties":{"pl\u0061n":"free"}}]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1"}],"events":[{"event":"y","user_id":"u1"}]}""")] // which one counts?
    [InlineData("""{"events":[{"event":"x","user_id":"u1"}]} x""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1"},]}""")]
    [InlineData("""{"events":[{"event":"x","user_id":"u1"}""")]
    public void what_it_is_not_sure_of_goes_the_general_path(string json) => Assert.Null(Fast(json));

    [Fact]
    public void overlong_names_and_ids_go_the_general_path()
    {
        Assert.Null(Fast($$"""{"events":[{"event":"{{new string('e', JsonFields.MaxNameLength + 1)}}","user_id":"u1"}]}"""));
        Assert.Null(Fast($$"""{"events":[{"event":"x","user_id":"{{new string('u', JsonFields.MaxIdLength + 1)}}"}]}"""));
        AssertSameAsGeneral($$"""{"events":[{"event":"{{new string('e', JsonFields.MaxNameLength)}}","user_id":"{{new string('u', JsonFields.MaxIdLength)}}"}]}""");
    }

    [Fact]
    public void account_ids_of_every_length_read_as_the_general_parser_reads_them_and_an_overlong_one_goes_the_general_path()
    {
        // Short ones are pooled (after the batch is read, all at once), long ones are not: both read the same.
        foreach (var length in new[] { 1, 95, 96, 97, JsonFields.MaxIdLength })
        {
            AssertSameAsGeneral($$"""{"events":[{"event":"x","user_id":"u1","account_id":"{{new string('a', length)}}"}]}""");
        }

        Assert.Null(Fast($$"""{"events":[{"event":"x","user_id":"u1","account_id":"{{new string('a', JsonFields.MaxIdLength + 1)}}"}]}"""));
    }

    [Fact]
    public void an_account_id_seen_before_is_the_same_string_in_every_batch()
    {
        // The router and the grains compare account ids: the same string compares by reference, not char by char.
        const string Json = """{"events":[{"event":"x","user_id":"u1","account_id":"acct-pooled-1"},{"event":"y","user_id":"u2","account_id":"acct-pooled-1"}]}""";

        var first = Fast(Json)!;
        var second = Fast(Json)!;

        Assert.Equal("acct-pooled-1", first.Events[0].AccountId);
        Assert.Same(first.Events[0].AccountId, first.Events[1].AccountId);
        Assert.Same(first.Events[0].AccountId, second.Events[1].AccountId);
    }

    [Fact]
    public void an_event_over_the_size_limit_goes_the_general_path_which_rejects_it_by_index()
    {
        const string Event = """{"event":"x","user_id":"u1"}""";
        var json = $$"""{"events":[{{Event}}]}""";

        Assert.Null(Fast(json, maxEventBytes: Event.Length - 1));
        Assert.NotNull(Fast(json, maxEventBytes: Event.Length));
    }

    [Fact]
    public void a_body_nested_past_the_limit_goes_the_general_path()
    {
        var deep = string.Concat(Enumerable.Repeat("""{"a":""", MaxDepth)) + "1" + new string('}', MaxDepth);
        Assert.Null(Fast($$"""{"events":[{"event":"x","user_id":"u1","properties":{{deep}}}]}"""));
    }

    [Fact]
    public void a_batch_larger_than_the_first_guess_is_read_whole()
    {
        // Short events: more of them than the reader's first buffer, sized from the body length, holds.
        var json = $$"""{"events":[{{string.Join(",", Enumerable.Range(0, 5_000).Select(i => $$"""{"event":"e","user_id":"{{i}}"}"""))}}]}""";

        var fast = Fast(json);

        Assert.NotNull(fast);
        Assert.Equal(5_000, fast.Events.Count);
        Assert.Equal("4999", fast.Events[^1].UserId);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void a_mutated_body_is_read_as_the_general_parser_reads_it_or_left_to_it(int seed)
    {
        // Byte-level mutations of a valid batch (deleted, duplicated, swapped or replaced bytes, most of them making
        // something the reader must not be sure of): whatever the fast path accepts, the general parser accepts whole
        // and reads to the same events; whatever it leaves, it leaves.
        const string Valid = """{"events":[{"event":"feature.used","user_id":"u1","account_id":"a1","message_id":"m1","timestamp":"2026-11-23T11:00:00Z","properties":{"feature":"csv.export","count":2,"plan":"free","n":{"x":[1,"y"]}}},{"event":"$pageview","anonymous_id":7,"properties":{"url":"/a"}}]}""";
        var random = new Random(seed);
        var replacements = "{}[]\":,0129.-eE \\ntrufalsn"u8.ToArray();
        var accepted = 0;
        for (var i = 0; i < 2_000; i++)
        {
            var body = Encoding.UTF8.GetBytes(Valid).ToList();
            for (var m = random.Next(1, 3); m > 0; m--)
            {
                var at = random.Next(body.Count);
                switch (random.Next(4))
                {
                    case 0: body.RemoveAt(at); break;
                    case 1: body.Insert(at, body[at]); break;
                    case 2: var other = random.Next(body.Count); (body[at], body[other]) = (body[other], body[at]); break;
                    default: body[at] = replacements[random.Next(replacements.Length)]; break;
                }
            }

            var json = Encoding.UTF8.GetString([.. body]);
            if (Fast(json) is null)
            {
                continue;
            }

            accepted++;
            AssertSameAsGeneral(json);
        }

        Assert.InRange(accepted, 100, 1_999); // about a fifth stay valid (a digit for a digit, a swap of equal bytes)
    }

    [Fact]
    public void the_events_properties_are_each_their_own_slice_of_one_copy_not_of_the_request_body()
    {
        var body = Encoding.UTF8.GetBytes("""{"events":[{"event":"a","user_id":"u1","properties":{"k":1}},{"event":"b","user_id":"u2"},{"event":"c","user_id":"u3","properties":{"k":"three"}}]}""");

        var fast = NativeBatchReader.TryRead(body, Web, Now, MaxEventBytes, MaxDepth)!;
        Array.Clear(body); // the request's pooled buffer is reused once it is answered

        Assert.Equal(["""{"k":1}""", "{}", """{"k":"three"}"""], fast.Events.Select(e => e.PropertiesJson));
    }
}
