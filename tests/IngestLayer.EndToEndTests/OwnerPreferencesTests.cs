using System.Text;
using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary><c>/ops/owners/{owner}/preferences</c> and the daily digest hold, through the real host and the fake Slack.</summary>
[Collection(HostCollection.Name)]
public class OwnerPreferencesTests(HostFixture host)
{
    private static string NewOwner(string prefix) => $"{Api.NewId(prefix)}@vendor.example";

    private async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null, string? token = HostFixture.AdminToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = HostFixture.Bearer(token);
        }

        using var response = await host.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    private static string PreferencesPath(string owner, string workspace = "default") =>
        $"/ops/owners/{Uri.EscapeDataString(owner)}/preferences?workspace={workspace}";

    [Fact]
    public async Task an_owner_has_live_defaults_until_preferences_are_stored_and_then_reads_them_back()
    {
        var owner = NewOwner("prefs");
        var ws = "prefs_" + Guid.NewGuid().ToString("N")[..10];

        var (status, defaults) = await SendAsync(HttpMethod.Get, PreferencesPath(owner, ws));
        Assert.Equal(200, status);
        Assert.Equal(
            $$"""{"owner":"{{owner}}","mode":"live","digest_time":"09:00","time_zone":"UTC","channel":null,"updated_at":null}""",
            defaults!.ToJsonString());

        (status, var stored) = await SendAsync(HttpMethod.Put, PreferencesPath(owner, ws),
            """{"mode": "daily_digest", "digest_time": "07:45", "time_zone": "America/New_York", "channel": "#ada-digest"}""");
        Assert.Equal(200, status);
        Assert.Equal(
            ("daily_digest", "07:45", "America/New_York", "#ada-digest"),
            (stored!["mode"]!.GetValue<string>(), stored["digest_time"]!.GetValue<string>(), stored["time_zone"]!.GetValue<string>(), stored["channel"]!.GetValue<string>()));
        Assert.NotNull(stored["updated_at"]);

        (status, var read) = await SendAsync(HttpMethod.Get, PreferencesPath(owner, ws));
        Assert.Equal((200, stored.ToJsonString()), (status, read!.ToJsonString()));

        // The document read can be sent back as it is.
        Assert.Equal(200, (await SendAsync(HttpMethod.Put, PreferencesPath(owner, ws), read.ToJsonString())).Status);

        (status, var list) = await SendAsync(HttpMethod.Get, $"/ops/owners?workspace={ws}");
        Assert.Equal(200, status);
        Assert.Equal([owner], list!["owners"]!.AsArray().Select(o => o!["owner"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("""{"mode": "hourly"}""", "mode", "must be \"live\" or \"daily_digest\"")]
    [InlineData("""{"digest_time": "25:00"}""", "digest_time", "HH:mm")]
    [InlineData("""{"digest_time": "9:00"}""", "digest_time", "HH:mm")]
    [InlineData("""{"time_zone": "Mars/Olympus_Mons"}""", "time_zone", "IANA time zone id")]
    [InlineData("""{"time_zone": "../../etc/passwd"}""", "time_zone", "IANA time zone id")]
    [InlineData("""{"channel": "not a channel"}""", "channel", "Slack channel")]
    [InlineData("""{"timezone": "UTC"}""", "timezone", "is not a preference")]
    [InlineData("""{"owner": "someone-else@vendor.example"}""", "owner", "must be the owner of the path")]
    public async Task invalid_preferences_are_refused_naming_the_field(string json, string field, string error)
    {
        var owner = NewOwner("invalid");

        var (status, problem) = await SendAsync(HttpMethod.Put, PreferencesPath(owner), json);

        Assert.Equal(400, status);
        Assert.Equal("Invalid preferences", problem!["title"]!.GetValue<string>());
        Assert.StartsWith($"'{field}' ", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var only = Assert.Single(problem["errors"]!.AsArray());
        Assert.Equal(field, only!["field"]!.GetValue<string>());
        Assert.Contains(error, only["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("live", (await SendAsync(HttpMethod.Get, PreferencesPath(owner))).Body!["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task every_bad_field_is_listed_and_a_non_object_body_is_refused()
    {
        var owner = NewOwner("invalid");

        var (status, problem) = await SendAsync(HttpMethod.Put, PreferencesPath(owner), """{"mode": 1, "digest_time": "noon", "time_zone": "Nowhere"}""");
        Assert.Equal(400, status);
        Assert.Equal(["mode", "digest_time", "time_zone"], problem!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()));
        Assert.StartsWith("The preferences have 3 problems; first: 'mode'", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(400, (await SendAsync(HttpMethod.Put, PreferencesPath(owner), "[]")).Status);
        Assert.Equal(401, (await SendAsync(HttpMethod.Get, PreferencesPath(owner), token: null)).Status);
        Assert.Equal(401, (await SendAsync(HttpMethod.Put, PreferencesPath(owner), """{"mode": "live"}""", token: null)).Status);
    }

    [Fact]
    public async Task a_digest_owners_alert_is_held_visible_in_the_ops_api_and_goes_out_live_once_they_switch_back()
    {
        var owner = NewOwner("digest");
        var account = Api.NewId("held");
        var channel = "#" + account;
        host.Slack.AddChannel(channel);
        Assert.Equal(200, (await SendAsync(HttpMethod.Put, PreferencesPath(owner), """{"mode": "daily_digest", "time_zone": "Europe/Berlin"}""")).Status);
        using (var csv = new StringContent($"account_id,owner,slack_channel\n{account},{owner},{channel}\n", Encoding.UTF8, "text/csv"))
        using (var import = new HttpRequestMessage(HttpMethod.Post, "/ops/owners/import") { Content = csv })
        {
            import.Headers.Authorization = HostFixture.Bearer(HostFixture.AdminToken);
            using var imported = await host.Http.SendAsync(import);
            Assert.Equal(200, (int)imported.StatusCode);
        }

        await host.PostEventsAsync(Api.Json(new { @event = "billing invoice payment failed", user_id = "billing", account_id = account }));

        var held = await host.AlertStatusAsync(account, "held_for_digest");
        Assert.Equal(owner, held["alert"]!["owner"]!.GetValue<string>());
        var (_, byOwner) = await host.OpsGetAsync($"/ops/alerts?owner={Uri.EscapeDataString(owner)}&status=held_for_digest");
        Assert.Equal([held["alert"]!["alert_id"]!.GetValue<string>()], byOwner!.AsArray().Select(a => a!["alert"]!["alert_id"]!.GetValue<string>()));
        Assert.DoesNotContain(host.Slack.Messages, m => m.Channel == channel);

        Assert.Equal(200, (await SendAsync(HttpMethod.Put, PreferencesPath(owner), """{"mode": "live"}""")).Status);

        // Released on the worker's next digest check (every 15 s), then sent like any alert.
        var sent = await Api.EventuallyAsync(
            async () => (await host.OpsGetAsync($"/ops/alerts?account_id={Uri.EscapeDataString(account)}&status=sent")).Body?.AsArray().FirstOrDefault(),
            $"the released alert of {account} to be sent",
            TimeSpan.FromSeconds(40));
        Assert.Equal(held["alert"]!["alert_id"]!.GetValue<string>(), sent["alert"]!["alert_id"]!.GetValue<string>());
        Assert.Single(host.Slack.Messages, m => m.Channel == channel);
    }

    [Fact]
    public async Task the_alert_status_filter_names_the_digest_statuses()
    {
        var (status, problem) = await host.OpsGetAsync("/ops/alerts?status=queued");

        Assert.Equal(400, status);
        Assert.Contains("held_for_digest, digested", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, (await host.OpsGetAsync("/ops/alerts?status=digested")).Status);
    }
}
