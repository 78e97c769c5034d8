using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary>PostHog's capture API over HTTP: its paths, its encodings, its limits and its answers.</summary>
[Collection(HostCollection.Name)]
public class PostHogApiTests(HostFixture host)
{
    public static TheoryData<string> CapturePaths => new() { "/batch/", "/batch", "/capture/", "/capture", "/e/", "/e", "/i/v0/e/", "/i/v0/e" };

    [Theory]
    [MemberData(nameof(CapturePaths))]
    public async Task every_capture_path_takes_an_event_with_or_without_its_trailing_slash(string path)
    {
        var account = Api.NewId("ph");
        var json = Api.Json(new Dictionary<string, object>
        {
            ["api_key"] = HostFixture.WriteKey,
            ["event"] = "report exported",
            ["distinct_id"] = "u-" + account,
            ["properties"] = new Dictionary<string, object> { ["$groups"] = new Dictionary<string, string> { ["organization"] = account } },
        });

        var (status, body) = await PostAsync(path, Encoding.UTF8.GetBytes(json), "application/json");

        Assert.True(status == 200, $"POST {path} answered {status}: {body}");
        Assert.Equal("""{"status":1}""", body);
        var state = await host.AccountAsync(account);
        Assert.Equal(1, state["account"]!["events"]!["report exported"]!["24h"]!.GetValue<long>());
    }

    [Fact]
    public async Task a_batch_gzipped_with_its_header_like_posthog_node_sends_it_reaches_account_and_user()
    {
        var (user, account) = (Api.NewId("u"), Api.NewId("acme"));
        var json = BatchJson(user, account);

        var (status, body) = await PostAsync("/batch/", Gzip(json), "application/json", contentEncoding: "gzip");

        Assert.True(status == 200, $"answered {status}: {body}");
        await AssertDeliveredAsync(user, account);
    }

    [Theory]
    [InlineData("/e/?compression=gzip-js&ver=1.200.0&_=1764500000000", "text/plain")]
    [InlineData("/i/v0/e/", "application/json")]
    public async Task a_gzip_body_is_recognised_by_its_first_bytes_whatever_the_headers_say(string path, string contentType)
    {
        var (user, account) = (Api.NewId("u"), Api.NewId("acme"));

        var (status, body) = await PostAsync(path, Gzip(BatchJson(user, account)), contentType);

        Assert.True(status == 200, $"answered {status}: {body}");
        await AssertDeliveredAsync(user, account);
    }

    [Fact]
    public async Task a_base64_form_body_like_posthog_js_sends_it_is_accepted()
    {
        var (user, account) = (Api.NewId("u"), Api.NewId("acme"));
        var events = JsonNode.Parse(BatchJson(user, account))!["batch"]!.AsArray();
        foreach (var e in events)
        {
            e!["properties"]!["token"] = HostFixture.WriteKey; // posthog-js sends the key on each event, no api_key
        }

        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes(events.ToJsonString()));
        var form = "data=" + Uri.EscapeDataString(data) + "&compression=base64";

        var (status, body) = await PostAsync("/e/?ip=1", Encoding.UTF8.GetBytes(form), "application/x-www-form-urlencoded");

        Assert.True(status == 200, $"answered {status}: {body}");
        await AssertDeliveredAsync(user, account);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData(null)]
    public async Task a_gzip_bomb_is_refused_as_too_large_so_posthog_node_splits_its_batch(string? contentEncoding)
    {
        var json = "{\"api_key\":\"" + HostFixture.WriteKey + "\",\"event\":\"x\",\"distinct_id\":\"u\",\"properties\":{\"p\":\"" + new string('a', 5_000_000) + "\"}}";
        var bomb = Gzip(json, CompressionLevel.SmallestSize);

        var (status, body) = await PostAsync("/batch/", bomb, "application/json", contentEncoding);

        Assert.True(bomb.Length < 20_000, "the bomb should be small on the wire");
        Assert.True(status == 413, $"answered {status}: {body}");
        Assert.Contains("512000-byte limit", JsonNode.Parse(body)!["detail"]!.GetValue<string>());
    }

    public static TheoryData<string, string, int, string> BadRequests => new()
    {
        // name, body, expected status, a phrase the problem must contain
        { "unknown api_key", """{"api_key":"phc_not_a_key_0000","event":"x","distinct_id":"u"}""", 401, "not known" },
        { "no api_key", """{"event":"x","distinct_id":"u"}""", 401, "PostHog's api_key" },
        { "no distinct_id", $$"""{"api_key":"{{HostFixture.WriteKey}}","event":"x"}""", 400, "'distinct_id' is required" },
        { "groupidentify of another group type", $$$"""{"api_key":"{{{HostFixture.WriteKey}}}","event":"$groupidentify","distinct_id":"u","properties":{"$group_type":"company","$group_key":"c"}}""", 400, "'properties.$group_type' is 'company'" },
        { "malformed JSON", "{\"api_key\":", 400, "not valid JSON" },
        { "batch not an array", $$"""{"api_key":"{{HostFixture.WriteKey}}","batch":7}""", 400, "'batch' must be an array" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task bad_requests_get_a_4xx_problem_naming_the_field(string name, string json, int expected, string phrase)
    {
        var (status, body) = await PostAsync("/i/v0/e/", Encoding.UTF8.GetBytes(json), "application/json");

        Assert.True(status == expected, $"{name}: expected {expected}, got {status}: {body}");
        Assert.Contains(phrase, JsonNode.Parse(body)!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_batch_with_some_bad_events_answers_status_1_and_names_the_rejected()
    {
        var account = Api.NewId("partial");
        var json = $$$$"""
            {"api_key":"{{{{HostFixture.WriteKey}}}}","batch":[
              {"event":"ok","distinct_id":"u1","properties":{"$groups":{"organization":"{{{{account}}}}"}}},
              {"event":"ok","properties":{"$groups":{"organization":"{{{{account}}}}"}}}
            ]}
            """;

        var (status, body) = await PostAsync("/batch/", Encoding.UTF8.GetBytes(json), "application/json");

        Assert.True(status == 200, $"answered {status}: {body}");
        var answer = JsonNode.Parse(body)!;
        Assert.Equal(1, answer["status"]!.GetValue<int>());
        Assert.Equal((1, "distinct_id"), (answer["rejected"]![0]!["index"]!.GetValue<int>(), answer["rejected"]![0]!["field"]!.GetValue<string>()));
        var state = await host.AccountAsync(account);
        Assert.Equal(1, state["account"]!["events"]!["ok"]!["24h"]!.GetValue<long>());
    }

    [Fact]
    public async Task a_resent_batch_is_counted_once_by_its_event_uuids()
    {
        var (user, account) = (Api.NewId("u"), Api.NewId("acme"));
        var json = BatchJson(user, account);

        var first = await PostAsync("/batch/", Encoding.UTF8.GetBytes(json), "application/json");
        var again = await PostAsync("/batch/", Encoding.UTF8.GetBytes(json), "application/json");

        Assert.Equal((200, 200), (first.Status, again.Status));
        await AssertDeliveredAsync(user, account);
    }

    /// <summary>What posthog-node sends for identify, groupIdentify, a capture with groups and a pageview.</summary>
    private static string BatchJson(string user, string account) => $$$"""
        {"api_key":"{{{HostFixture.WriteKey}}}","sent_at":"{{{DateTimeOffset.UtcNow:O}}}","batch":[
          {"distinct_id":"{{{user}}}","event":"$identify","properties":{"$set":{"email":"{{{user}}}@acme.example","name":"Ada"},"$set_once":{},"$lib":"posthog-node"},"uuid":"{{{Guid.NewGuid()}}}","timestamp":"{{{DateTimeOffset.UtcNow:O}}}"},
          {"distinct_id":"$organization_{{{account}}}","event":"$groupidentify","properties":{"$group_type":"organization","$group_key":"{{{account}}}","$group_set":{"name":"Acme Inc","plan":"free"}},"uuid":"{{{Guid.NewGuid()}}}","timestamp":"{{{DateTimeOffset.UtcNow:O}}}"},
          {"distinct_id":"{{{user}}}","event":"feature.used","properties":{"feature":"reports.schedule","count":3,"$groups":{"organization":"{{{account}}}"}},"uuid":"{{{Guid.NewGuid()}}}","timestamp":"{{{DateTimeOffset.UtcNow:O}}}"},
          {"distinct_id":"{{{user}}}","event":"$pageview","properties":{"$current_url":"https://app.example/docs"},"uuid":"{{{Guid.NewGuid()}}}","timestamp":"{{{DateTimeOffset.UtcNow:O}}}"}
        ]}
        """;

    private async Task AssertDeliveredAsync(string user, string account)
    {
        var state = (await host.AccountAsync(account))["account"]!;
        Assert.Equal("Acme Inc", state["profile"]!["name"]!.GetValue<string>());
        Assert.Equal("free", state["profile"]!["plan"]!.GetValue<string>());
        Assert.Equal(3, state["features"]!["reports.schedule"]!["24h"]!.GetValue<long>());
        // The pageview names no group: attributed through the user's membership.
        Assert.Equal(1, state["events"]!["$pageview"]!["24h"]!.GetValue<long>());

        var (status, userState) = await host.OpsGetAsync($"/ops/users/{user}");
        Assert.Equal(200, status);
        Assert.Equal($"{user}@acme.example", userState!["email"]!.GetValue<string>());
        Assert.Equal(account, userState["account_id"]!.GetValue<string>());
    }

    private async Task<(int Status, string Body)> PostAsync(string path, byte[] body, string contentType, string? contentEncoding = null)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        using var response = await host.Http.PostAsync(path, content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static byte[] Gzip(string json, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, level, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }

        return compressed.ToArray();
    }
}
