using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary>Bad input gets a clear 4xx problem naming the problem, never a 5xx, and the host stays healthy.</summary>
[Collection(HostCollection.Name)]
public class BadInputTests(HostFixture host)
{
    public static TheoryData<string, string, string?, string, int, string> Cases => new()
    {
        // name, path, write key, body, expected status, a phrase the problem must contain
        { "malformed JSON", "/v1/events", HostFixture.WriteKey, "{\"event\":", 400, "not valid JSON" },
        { "not an object", "/v1/events", HostFixture.WriteKey, "[1,2,3]", 400, "must be a JSON object" },
        { "missing event", "/v1/events", HostFixture.WriteKey, "{\"user_id\":\"u1\"}", 400, "'event' is required" },
        { "missing user", "/v1/events", HostFixture.WriteKey, "{\"event\":\"x\"}", 400, "'user_id' is required" },
        { "wrong id type", "/v1/events", HostFixture.WriteKey, "{\"event\":\"x\",\"user_id\":{\"a\":1}}", 400, "must be a string or an integer, got an object" },
        { "bad timestamp", "/v1/events", HostFixture.WriteKey, "{\"event\":\"x\",\"user_id\":\"u\",\"timestamp\":\"last tuesday\"}", 400, "ISO 8601" },
        { "properties not an object", "/v1/events", HostFixture.WriteKey, "{\"event\":\"x\",\"user_id\":\"u\",\"properties\":\"p\"}", 400, "'properties' must be a JSON object" },
        { "feature.used without feature", "/v1/events", HostFixture.WriteKey, "{\"event\":\"feature.used\",\"user_id\":\"u\"}", 400, "'properties.feature' is required" },
        { "negative count", "/v1/events", HostFixture.WriteKey, "{\"event\":\"feature.used\",\"user_id\":\"u\",\"properties\":{\"feature\":\"f\",\"count\":-2}}", 400, "'properties.count'" },
        { "empty batch", "/v1/events", HostFixture.WriteKey, "{\"events\":[]}", 400, "at least one event" },
        { "events not an array", "/v1/events", HostFixture.WriteKey, "{\"events\":{}}", 400, "'events' must be an array" },
        { "deeply nested", "/v1/events", HostFixture.WriteKey, "{\"event\":\"x\",\"user_id\":\"u\",\"properties\":" + new string('[', 200) + new string(']', 200) + "}", 400, "more than 32 levels deep" },
        { "lone surrogate escape", "/v1/events", HostFixture.WriteKey, "{\"event\":\"\\ud800\",\"user_id\":\"u\"}", 400, "surrogate without its pair" },
        { "lone low surrogate in a posthog event", "/capture", HostFixture.WriteKey, "{\"api_key\":\"" + HostFixture.WriteKey + "\",\"event\":\"x\",\"distinct_id\":\"\\udc00\"}", 400, "surrogate without its pair" },
        { "missing write key", "/v1/events", null, "{\"event\":\"x\",\"user_id\":\"u\"}", 401, "write key is required" },
        { "unknown write key", "/v1/events", "wk_nope_0000000000", "{\"event\":\"x\",\"user_id\":\"u\"}", 401, "not known" },
        { "oversize event", "/v1/events", HostFixture.WriteKey, "{\"event\":\"x\",\"user_id\":\"u\",\"properties\":{\"p\":\"" + new string('x', 40_000) + "\"}}", 413, "32768-byte limit" },
        { "oversize batch", "/v1/events", HostFixture.WriteKey, "{\"events\":[" + string.Join(',', Enumerable.Repeat("{\"event\":\"x\",\"user_id\":\"u\",\"properties\":{\"p\":\"" + new string('x', 20_000) + "\"}}", 30)) + "]}", 413, "512000-byte limit" },
        { "segment track without event", "/v1/track", HostFixture.WriteKey, "{\"userId\":\"u\"}", 400, "'event' is required" },
        { "segment group without groupId", "/v1/group", HostFixture.WriteKey, "{\"userId\":\"u\"}", 400, "'groupId' is required" },
        { "segment batch not an array", "/v1/batch", HostFixture.WriteKey, "{\"batch\":7}", 400, "'batch' must be an array" },
        { "segment bad type", "/v1/batch", HostFixture.WriteKey, "{\"batch\":[{\"type\":\"nope\",\"userId\":\"u\"}]}", 400, "must be one of track" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task bad_input_gets_a_4xx_problem_naming_it(string name, string path, string? writeKey, string body, int status, string phrase)
    {
        using var response = await host.PostJsonAsync(path, body, writeKey);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(status == (int)response.StatusCode, $"{name}: expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(phrase, JsonNode.Parse(text)!["detail"]!.GetValue<string>());
        await AssertHealthyAsync();
    }

    public static TheoryData<string, string, string, int, string, long> Limits()
    {
        // name, path, body, expected status, the limit's configuration key, its value
        static string Native(IEnumerable<string> events) => "{\"events\":[" + string.Join(',', events) + "]}";
        static string Segment(IEnumerable<string> events) => "{\"batch\":[" + string.Join(',', events) + "]}";
        static string PostHog(IEnumerable<string> events) => "{\"api_key\":\"" + HostFixture.WriteKey + "\",\"batch\":[" + string.Join(',', events) + "]}";
        var big = new string('x', 20_000);
        var deep = new string('[', 40) + new string(']', 40);
        return new()
        {
            { "native body", "/v1/events", Native(Enumerable.Repeat($$$"""{"event":"x","user_id":"u","properties":{"p":"{{{big}}}"}}""", 30)), 413, "IngestLayer:MaxBatchBytes", 512_000 },
            { "segment body", "/v1/batch", Segment(Enumerable.Repeat($$$"""{"type":"track","event":"x","userId":"u","properties":{"p":"{{{big}}}"}}""", 30)), 413, "IngestLayer:MaxBatchBytes", 512_000 },
            { "posthog body", "/batch", PostHog(Enumerable.Repeat($$$"""{"event":"x","distinct_id":"u","properties":{"p":"{{{big}}}"}}""", 30)), 413, "IngestLayer:MaxBatchBytes", 512_000 },
            { "native single event", "/v1/events", $$$"""{"event":"x","user_id":"u","properties":{"p":"{{{big}}}{{{big}}}"}}""", 413, "IngestLayer:MaxEventBytes", 32_768 },
            { "segment single event", "/v1/track", $$$"""{"event":"x","userId":"u","properties":{"p":"{{{big}}}{{{big}}}"}}""", 413, "IngestLayer:MaxEventBytes", 32_768 },
            { "posthog single event", "/capture", $$$"""{"api_key":"{{{HostFixture.WriteKey}}}","event":"x","distinct_id":"u","properties":{"p":"{{{big}}}{{{big}}}"}}""", 413, "IngestLayer:MaxEventBytes", 32_768 },
            { "native batch length", "/v1/events", Native(Enumerable.Repeat("""{"event":"x","user_id":"u"}""", 2_501)), 413, "IngestLayer:MaxBatchEvents", 2_500 },
            { "segment batch length", "/v1/batch", Segment(Enumerable.Repeat("""{"type":"track","event":"x","userId":"u"}""", 2_501)), 413, "IngestLayer:MaxBatchEvents", 2_500 },
            { "posthog batch length", "/batch", PostHog(Enumerable.Repeat("""{"event":"x","distinct_id":"u"}""", 2_501)), 413, "IngestLayer:MaxBatchEvents", 2_500 },
            { "native nesting", "/v1/events", $$$"""{"event":"x","user_id":"u","properties":{"p":{{{deep}}}}}""", 400, "IngestLayer:MaxNestingDepth", 32 },
            { "segment nesting", "/v1/track", $$$"""{"event":"x","userId":"u","properties":{"p":{{{deep}}}}}""", 400, "IngestLayer:MaxNestingDepth", 32 },
            { "posthog nesting", "/capture", $$$"""{"api_key":"{{{HostFixture.WriteKey}}}","event":"x","distinct_id":"u","properties":{"p":{{{deep}}}}}""", 400, "IngestLayer:MaxNestingDepth", 32 },
        };
    }

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task every_limit_is_named_by_its_setting_in_the_answer(string name, string path, string body, int status, string limit, long max)
    {
        using var response = await host.PostJsonAsync(path, body, path.StartsWith("/v1/", StringComparison.Ordinal) ? HostFixture.WriteKey : null);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(status == (int)response.StatusCode, $"{name}: expected {status}, got {(int)response.StatusCode}: {text}");
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(limit, problem["limit"]?.GetValue<string>());
        Assert.Equal(max, problem["max"]!.GetValue<long>());
        Assert.Contains(limit, problem["detail"]!.GetValue<string>());
        await AssertHealthyAsync();
    }

    [Theory]
    [InlineData("user_id", "the limit for ids")]
    [InlineData("event", "the limit for names, plans and features")]
    public async Task an_overlong_string_is_rejected_naming_its_length_limit(string field, string phrase)
    {
        var overlong = new string('a', 300);
        var body = field == "event" ? $$$"""{"event":"{{{overlong}}}","user_id":"u"}""" : $$$"""{"event":"x","user_id":"{{{overlong}}}"}""";
        using var response = await host.PostJsonAsync("/v1/events", body, HostFixture.WriteKey);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(400, (int)response.StatusCode);
        var error = JsonNode.Parse(text)!["errors"]![0]!;
        Assert.Equal(field, error["field"]!.GetValue<string>());
        Assert.Contains("at most 256 characters", error["error"]!.GetValue<string>());
        Assert.Contains(phrase, error["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_batch_with_some_bad_events_accepts_the_good_ones_and_names_the_bad_by_index()
    {
        var account = Api.NewId("partial");
        var result = await host.PostEventsAsync($$"""
            {"events":[
              {"event":"ok","user_id":"u1","account_id":"{{account}}"},
              {"event":"ok","user_id":"u1","account_id":"{{account}}","timestamp":"nope"},
              {"user_id":"u1"}
            ]}
            """);

        Assert.Equal(1, result["accepted"]!.GetValue<int>());
        var rejected = result["rejected"]!.AsArray();
        Assert.Equal([(1, "timestamp"), (2, "event")], rejected.Select(r => (r!["index"]!.GetValue<int>(), r["field"]!.GetValue<string>())));
        var state = await host.AccountAsync(account);
        Assert.Equal(1, state["account"]!["events"]!["ok"]!["24h"]!.GetValue<long>());
    }

    [Fact]
    public async Task a_gzip_bomb_is_refused_as_too_large()
    {
        var json = "{\"event\":\"x\",\"user_id\":\"u\",\"properties\":{\"p\":\"" + new string('a', 5_000_000) + "\"}}";
        var (response, compressedLength) = await PostGzipAsync(json, CompressionLevel.SmallestSize);
        using var owned = response;

        Assert.True(compressedLength < 20_000, "the bomb should be small on the wire");
        Assert.Equal(413, (int)response.StatusCode);
    }

    [Fact]
    public async Task a_gzip_body_is_accepted_like_the_sdks_send_it()
    {
        var account = Api.NewId("gz");
        var json = Api.Json(new { events = new[] { new { @event = "report exported", user_id = "u1", account_id = account } } });
        var (response, _) = await PostGzipAsync(json, CompressionLevel.Fastest);
        using var owned = response;

        Assert.Equal(200, (int)response.StatusCode);
        var state = await host.AccountAsync(account);
        Assert.Equal(1, state["account"]!["events"]!["report exported"]!["24h"]!.GetValue<long>());
    }

    [Fact]
    public async Task the_ops_api_needs_the_admin_token()
    {
        using var anonymous = await host.Http.GetAsync("/ops/alerts");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ops/alerts");
        request.Headers.Authorization = HostFixture.Bearer(HostFixture.WriteKey);
        using var wrong = await host.Http.SendAsync(request);

        Assert.Equal(401, (int)anonymous.StatusCode);
        Assert.Equal(401, (int)wrong.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task ops_queries_name_their_bad_parameters()
    {
        var (status, body) = await host.OpsGetAsync("/ops/alerts?status=lost");
        Assert.Equal(400, status);
        Assert.Contains("'status' must be one of", body!["detail"]!.GetValue<string>());

        (status, body) = await host.OpsGetAsync("/ops/alerts?limit=abc");
        Assert.Equal(400, status);

        (status, body) = await host.OpsGetAsync("/ops/accounts/never-seen-account");
        Assert.Equal(404, status);
        Assert.Contains("No events have been seen for account 'never-seen-account'", body!["detail"]!.GetValue<string>());
    }

    private async Task<(HttpResponseMessage Response, long CompressedLength)> PostGzipAsync(string json, CompressionLevel level)
    {
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, level, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(json));
        }

        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = content };
        request.Headers.Authorization = HostFixture.Bearer(HostFixture.WriteKey);
        return (await host.Http.SendAsync(request), compressed.Length);
    }

    private async Task AssertHealthyAsync()
    {
        using var health = await host.Http.GetAsync("/health");
        Assert.Equal(200, (int)health.StatusCode);
    }
}
