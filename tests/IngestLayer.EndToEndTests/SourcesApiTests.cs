using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary>/ops/sources: create (key shown once), rotate with a grace period, revoke; configured sources read-only.</summary>
[Collection(LimitedHostCollection.Name)]
public sealed class SourcesApiTests(LimitedHostFixture host)
{
    [Fact]
    public async Task a_created_source_ingests_into_its_workspace_with_its_key_which_is_shown_only_once()
    {
        var name = Api.NewId("app");
        var created = await SendAsync(HttpMethod.Post, "/ops/sources", $$"""{"name":"{{name}}","workspace":"acme-ws"}""");

        Assert.Equal(201, created.Status);
        Assert.Equal($"/ops/sources/{name}?workspace=acme-ws", created.Response.Headers.Location?.OriginalString);
        Assert.True(created.Response.Headers.CacheControl?.NoStore, "an answer carrying a key must not be cached");
        var key = created.Body!["write_key"]!.GetValue<string>();
        Assert.Matches("^wk_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal(key[..8], created.Body["key_prefix"]!.GetValue<string>());
        Assert.Equal((name, "acme-ws", false), (created.Body["name"]!.GetValue<string>(), created.Body["workspace"]!.GetValue<string>(), created.Body["configured"]!.GetValue<bool>()));

        var account = Api.NewId("acct");
        Assert.Equal(200, await IngestAsync(key, account));
        Assert.Equal(200, (await SendAsync(HttpMethod.Get, $"/ops/accounts/{account}?workspace=acme-ws")).Status);

        var (_, listText) = await ListTextAsync();
        Assert.DoesNotContain(key, listText);
        Assert.DoesNotContain("write_key", listText);
        var listed = Listed(JsonNode.Parse(listText)!, name);
        Assert.Equal((key[..8], false, "acme-ws"), (listed["key_prefix"]!.GetValue<string>(), listed["configured"]!.GetValue<bool>(), listed["workspace"]!.GetValue<string>()));
    }

    [Fact]
    public async Task after_a_rotation_both_keys_work_during_the_grace_period()
    {
        var name = Api.NewId("rot");
        var oldKey = await CreateAsync(name);

        var before = DateTimeOffset.UtcNow;
        var rotated = await SendAsync(HttpMethod.Post, $"/ops/sources/{name}/rotate", """{"grace":"1h"}""");

        Assert.Equal(200, rotated.Status);
        var newKey = rotated.Body!["write_key"]!.GetValue<string>();
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal(newKey[..8], rotated.Body["key_prefix"]!.GetValue<string>());
        Assert.InRange(rotated.Body["previous_key_valid_until"]!.GetValue<DateTimeOffset>(), before.AddHours(1).AddSeconds(-5), DateTimeOffset.UtcNow.AddHours(1).AddSeconds(5));
        Assert.Equal(200, await IngestAsync(oldKey));
        Assert.Equal(200, await IngestAsync(newKey));
    }

    [Fact]
    public async Task a_rotated_out_key_is_refused_once_its_grace_period_is_over()
    {
        var name = Api.NewId("rot");
        var oldKey = await CreateAsync(name);

        var rotated = await SendAsync(HttpMethod.Post, $"/ops/sources/{name}/rotate", """{"grace":"2s"}""");
        var newKey = rotated.Body!["write_key"]!.GetValue<string>();

        Assert.Equal(400, await KeyStatusAsync(oldKey));
        await Api.EventuallyAsync(async () => await KeyStatusAsync(oldKey) == 401 ? "refused" : null, "the old key to be refused after its 2s grace");
        Assert.Equal(200, await IngestAsync(newKey));

        var immediate = await SendAsync(HttpMethod.Post, $"/ops/sources/{name}/rotate", """{"grace":"0s"}""");
        Assert.Equal(401, await IngestAsync(newKey));
        Assert.Equal(200, await IngestAsync(immediate.Body!["write_key"]!.GetValue<string>()));
    }

    [Fact]
    public async Task a_revoked_source_is_refused_at_once_listed_as_revoked_and_its_name_can_be_used_again()
    {
        var name = Api.NewId("rev");
        var key = await CreateAsync(name);
        Assert.Equal(200, await IngestAsync(key));

        var revoked = await SendAsync(HttpMethod.Delete, $"/ops/sources/{name}");

        Assert.Equal(200, revoked.Status);
        Assert.NotNull(revoked.Body!["revoked_at"]);
        Assert.Null(revoked.Body["write_key"]);
        Assert.Equal(401, await IngestAsync(key));
        Assert.Equal(404, (await SendAsync(HttpMethod.Delete, $"/ops/sources/{name}")).Status);
        Assert.Equal(404, (await SendAsync(HttpMethod.Post, $"/ops/sources/{name}/rotate", "{}")).Status);
        var (_, listText) = await ListTextAsync();
        Assert.NotNull(Listed(JsonNode.Parse(listText)!, name)["revoked_at"]);

        var again = await CreateAsync(name);
        Assert.Equal(200, await IngestAsync(again));
        Assert.Equal(401, await IngestAsync(key));
    }

    [Fact]
    public async Task configured_sources_are_listed_read_only_without_any_part_of_their_keys_and_keep_working()
    {
        var (status, listText) = await ListTextAsync();

        Assert.Equal(200, status);
        var web = Listed(JsonNode.Parse(listText)!, "web");
        Assert.True(web["configured"]!.GetValue<bool>());
        Assert.Null(web["key_prefix"]);
        Assert.All(LimitedHostFixture.ConfiguredKeys.Values, k => Assert.DoesNotContain(k[..8], listText));

        Assert.Equal(409, (await SendAsync(HttpMethod.Delete, "/ops/sources/web")).Status);
        Assert.Equal(409, (await SendAsync(HttpMethod.Post, "/ops/sources/web/rotate", "{}")).Status);
        var duplicate = await SendAsync(HttpMethod.Post, "/ops/sources", """{"name":"web","workspace":"elsewhere"}""");
        Assert.Equal(409, duplicate.Status);
        Assert.Contains("IngestLayer:Sources:web", duplicate.Body!["detail"]!.GetValue<string>());
        Assert.Equal(200, await IngestAsync(LimitedHostFixture.ConfiguredKeys["web"]));
    }

    [Fact]
    public async Task a_second_source_of_one_name_in_a_workspace_is_a_conflict_but_another_workspace_may_have_it()
    {
        var name = Api.NewId("dup");
        await CreateAsync(name);

        var duplicate = await SendAsync(HttpMethod.Post, "/ops/sources", $$"""{"name":"{{name}}"}""");
        var elsewhere = await SendAsync(HttpMethod.Post, "/ops/sources", $$"""{"name":"{{name}}","workspace":"other-ws"}""");

        Assert.Equal(409, duplicate.Status);
        Assert.Contains("already has a source", duplicate.Body!["detail"]!.GetValue<string>());
        Assert.Equal(201, elsewhere.Status);
    }

    public static TheoryData<string, string, string, string> BadRequests => new()
    {
        // method, path, body, the field the problem must name
        { "POST", "/ops/sources", "{}", "'name'" },
        { "POST", "/ops/sources", """{"name":"has space"}""", "'name'" },
        { "POST", "/ops/sources", """{"name":7}""", "'name'" },
        { "POST", "/ops/sources", """{"name":"ok","workspace":7}""", "'workspace'" },
        { "POST", "/ops/sources", """{"name":"ok","workspace":"no/slash"}""", "'workspace'" },
        { "POST", "/ops/sources", "[]", "JSON object" },
        { "POST", "/ops/sources/x/rotate", """{"grace":"forever"}""", "'grace'" },
        { "POST", "/ops/sources/x/rotate", """{"grace":"31d"}""", "'grace'" },
        { "POST", "/ops/sources/x/rotate", """{"grace":24}""", "'grace'" },
        { "DELETE", "/ops/sources/x?workspace=a%20b", "", "'workspace'" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task a_bad_request_gets_400_naming_the_field(string method, string path, string body, string phrase)
    {
        var (status, problem, _) = await SendAsync(new HttpMethod(method), path, body.Length == 0 ? null : body);

        Assert.Equal(400, status);
        Assert.Contains(phrase, problem!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_sources_api_needs_the_admin_token()
    {
        var (status, _, _) = await SendAsync(HttpMethod.Get, "/ops/sources", token: LimitedHostFixture.ConfiguredKeys["web"]);
        var (createStatus, _, _) = await SendAsync(HttpMethod.Post, "/ops/sources", """{"name":"sneaky"}""", token: null);

        Assert.Equal((401, 401), (status, createStatus));
        Assert.DoesNotContain("sneaky", (await ListTextAsync()).Text);
    }

    [Fact]
    public async Task no_key_appears_in_the_logs_or_in_any_answer_but_the_one_that_made_it()
    {
        var name = Api.NewId("quiet");
        var first = await CreateAsync(name);
        var second = (await SendAsync(HttpMethod.Post, $"/ops/sources/{name}/rotate", """{"grace":"1h"}""")).Body!["write_key"]!.GetValue<string>();
        Assert.Equal(200, await IngestAsync(first));
        Assert.Equal(200, await IngestAsync(second));
        var (_, listText) = await ListTextAsync();
        await SendAsync(HttpMethod.Delete, $"/ops/sources/{name}");
        Assert.Equal(401, await IngestAsync(second));

        string[] secrets = [first, second, WriteKeysDigest(first), WriteKeysDigest(second), .. LimitedHostFixture.ConfiguredKeys.Values];
        var logs = host.LogLines;
        Assert.Contains(logs, l => l.Contains($"Source {name} created", StringComparison.Ordinal) && l.Contains(first[..8], StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains($"Source {name} in workspace default (key {second[..8]}", StringComparison.Ordinal) && l.Contains("revoked", StringComparison.Ordinal));
        Assert.All(secrets, s => Assert.DoesNotContain(logs, l => l.Contains(s, StringComparison.Ordinal)));
        Assert.All(secrets, s => Assert.DoesNotContain(s, listText));
    }

    private static string WriteKeysDigest(string key) => Gateway.Security.WriteKeys.Digest(key);

    private static JsonNode Listed(JsonNode list, string name) =>
        list.AsArray().Last(s => s!["name"]!.GetValue<string>() == name)!;

    private async Task<string> CreateAsync(string name)
    {
        var created = await SendAsync(HttpMethod.Post, "/ops/sources", $$"""{"name":"{{name}}"}""");
        Assert.True(created.Status == 201, $"POST /ops/sources answered {created.Status}: {created.Body?.ToJsonString()}");
        return created.Body!["write_key"]!.GetValue<string>();
    }

    private async Task<int> IngestAsync(string key, string? account = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
        {
            Content = new StringContent(
                Api.Json(new { @event = "page.viewed", user_id = Api.NewId("u"), account_id = account ?? Api.NewId("acct") }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await host.Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>Whether a key is taken, without spending its source's events: an event the parser refuses (400) after the key is checked (401).</summary>
    private async Task<int> KeyStatusAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new StringContent("{\"user_id\":\"u\"}", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await host.Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    private async Task<(int Status, string Text)> ListTextAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ops/sources");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LimitedHostFixture.AdminToken);
        using var response = await host.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, string? json = null, string? token = LimitedHostFixture.AdminToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }
}
