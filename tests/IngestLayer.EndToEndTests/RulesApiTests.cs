using System.Text;
using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary><c>/ops/rules</c>, snoozes and alert filters through the real host.</summary>
[Collection(HostCollection.Name)]
public class RulesApiTests(HostFixture host)
{
    // CRUD tests use workspaces of their own: rules stored in 'default' would reach every other test's accounts.
    private static string NewWorkspace() => "rules_" + Guid.NewGuid().ToString("N")[..10];

    private async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? json = null, string? token = HostFixture.AdminToken)
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

        var response = await host.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body), response);
    }

    private const string SpikeRule = """
        {"id": "report-spike", "kind": "usage_spike", "severity": "warning", "cooldown": "36h",
         "parameters": {"event": "report exported", "factor": 4, "min_count": 20}}
        """;

    [Fact]
    public async Task rules_are_created_read_changed_with_a_new_version_and_deleted()
    {
        var ws = NewWorkspace();

        var (status, list, _) = await SendAsync(HttpMethod.Get, $"/ops/rules?workspace={ws}");
        Assert.Equal(200, status);
        Assert.True(list!["default"]!.GetValue<bool>());
        Assert.Equal(["paid_feature_on_free_plan", "payment_failed"], list["rules"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        Assert.Equal(["csv.export", "api.access"], list["rules"]![0]!["parameters"]!["features"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal("1d", list["rules"]![1]!["cooldown"]!.GetValue<string>());

        (status, var created, var response) = await SendAsync(HttpMethod.Post, $"/ops/rules?workspace={ws}", SpikeRule);
        Assert.Equal(201, status);
        Assert.Equal($"/ops/rules/report-spike?workspace={ws}", response.Headers.Location!.OriginalString);
        Assert.Equal(1, created!["version"]!.GetValue<int>());
        Assert.Equal("36h", created["cooldown"]!.GetValue<string>());
        Assert.Equal(20, created["parameters"]!["min_count"]!.GetValue<long>());
        Assert.Null(created["parameters"]!["days"]); // parameters a kind does not read are left out
        Assert.Null(created["destination"]); // null: the account owner's channel

        (status, list, _) = await SendAsync(HttpMethod.Get, $"/ops/rules?workspace={ws}");
        Assert.False(list!["default"]!.GetValue<bool>());
        Assert.Equal(["paid_feature_on_free_plan", "payment_failed", "report-spike"], list["rules"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));

        var change = SpikeRule.Replace("\"factor\": 4", "\"factor\": 5", StringComparison.Ordinal).Replace("{\"id\"", "{\"version\": 1, \"id\"", StringComparison.Ordinal);
        (status, var changed, _) = await SendAsync(HttpMethod.Put, $"/ops/rules/report-spike?workspace={ws}", change);
        Assert.Equal(200, status);
        Assert.Equal((2, 5.0), (changed!["version"]!.GetValue<int>(), changed["parameters"]!["factor"]!.GetValue<double>()));

        // The same change again names version 1, which is no longer current.
        (status, var conflict, _) = await SendAsync(HttpMethod.Put, $"/ops/rules/report-spike?workspace={ws}", change);
        Assert.Equal(409, status);
        Assert.Contains("is at version 2, not 1", conflict!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        (status, var one, _) = await SendAsync(HttpMethod.Get, $"/ops/rules/report-spike?workspace={ws}");
        Assert.Equal((200, 2), (status, one!["version"]!.GetValue<int>()));

        (status, _, _) = await SendAsync(HttpMethod.Delete, $"/ops/rules/report-spike?workspace={ws}");
        Assert.Equal(204, status);
        Assert.Equal(404, (await SendAsync(HttpMethod.Get, $"/ops/rules/report-spike?workspace={ws}")).Status);
        Assert.Equal(404, (await SendAsync(HttpMethod.Delete, $"/ops/rules/report-spike?workspace={ws}")).Status);
        Assert.Equal(404, (await SendAsync(HttpMethod.Put, $"/ops/rules/report-spike?workspace={ws}", SpikeRule)).Status);
    }

    [Fact]
    public async Task creating_a_rule_twice_is_a_conflict()
    {
        var ws = NewWorkspace();
        Assert.Equal(201, (await SendAsync(HttpMethod.Post, $"/ops/rules?workspace={ws}", SpikeRule)).Status);

        var (status, body, _) = await SendAsync(HttpMethod.Post, $"/ops/rules?workspace={ws}", SpikeRule);

        Assert.Equal(409, status);
        Assert.Contains("already has a rule 'report-spike'", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_invalid_rule_is_a_400_problem_naming_every_bad_field()
    {
        var (status, body, response) = await SendAsync(HttpMethod.Post, $"/ops/rules?workspace={NewWorkspace()}",
            """{"id": "r1", "kind": "usage_spike", "colour": "red", "parameters": {"event": "x", "factor": "big"}}""");

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Invalid rule", body!["title"]!.GetValue<string>());
        Assert.StartsWith("The rule has 2 problems; first: 'colour' is not a rule field", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["colour", "parameters.factor"], body["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("{not json", "Invalid JSON")]
    [InlineData("", "Invalid JSON")]
    [InlineData("[]", "Invalid rule")]
    public async Task a_body_that_is_not_a_rule_object_is_a_400(string json, string title)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, $"/ops/rules?workspace={NewWorkspace()}", json);

        Assert.Equal(400, status);
        Assert.Equal(title, body!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_rules_api_needs_the_admin_token_and_a_valid_workspace()
    {
        Assert.Equal(401, (await SendAsync(HttpMethod.Get, "/ops/rules", token: null)).Status);
        Assert.Equal(401, (await SendAsync(HttpMethod.Post, "/ops/rules", SpikeRule, token: HostFixture.WriteKey)).Status);
        Assert.Equal(400, (await SendAsync(HttpMethod.Get, "/ops/rules?workspace=no%20spaces")).Status);
    }

    [Fact]
    public async Task a_rule_created_over_http_fires_on_events_and_its_alert_is_found_by_rule_and_owner()
    {
        // The 'other' workspace, which has a write key; the rule watches an event no other test sends.
        var (account, ruleId) = (Api.NewId("rule-acct"), Api.NewId("rule").ToLowerInvariant());
        var eventName = "e2e " + ruleId;
        var rule = Api.Json(new
        {
            id = ruleId,
            kind = "threshold",
            destination = "#default-alerts",
            parameters = new { @event = eventName, window = "24h", value = 2 },
        });
        Assert.Equal(201, (await SendAsync(HttpMethod.Post, "/ops/rules?workspace=other", rule)).Status);
        using (var csv = new StringContent($"account_id,owner,slack_channel\n{account},ada@vendor.example,#ada-alerts\n", Encoding.UTF8, "text/csv"))
        using (var import = new HttpRequestMessage(HttpMethod.Post, "/ops/owners/import?workspace=other") { Content = csv })
        {
            import.Headers.Authorization = HostFixture.Bearer(HostFixture.AdminToken);
            Assert.Equal(200, (int)(await host.Http.SendAsync(import)).StatusCode);
        }

        await host.PostEventsAsync(Api.Json(new { @event = eventName, user_id = "u1", account_id = account }), HostFixture.OtherWorkspaceKey);
        var (_, none) = await host.OpsGetAsync($"/ops/alerts?workspace=other&rule={ruleId}");
        Assert.Empty(none!.AsArray());
        await host.PostEventsAsync(Api.Json(new { @event = eventName, user_id = "u2", account_id = account }), HostFixture.OtherWorkspaceKey);

        var sent = await Api.EventuallyAsync(
            async () => (await host.OpsGetAsync($"/ops/alerts?workspace=other&rule={ruleId}&owner=ada@vendor.example&status=sent")).Body?.AsArray().FirstOrDefault(),
            $"the {ruleId} alert, sent");
        Assert.Equal(account, sent["alert"]!["account_id"]!.GetValue<string>());
        Assert.Equal("threshold", sent["alert"]!["signal"]!.GetValue<string>());
        Assert.Equal("#default-alerts", sent["channel"]!.GetValue<string>());
        Assert.Empty((await host.OpsGetAsync($"/ops/alerts?workspace=other&rule={ruleId}&owner=bob@vendor.example")).Body!.AsArray());
        Assert.Empty((await host.OpsGetAsync($"/ops/alerts?workspace=other&rule={ruleId}&since=2100-01-01T00:00:00Z")).Body!.AsArray());
        Assert.Equal(400, (await host.OpsGetAsync("/ops/alerts?since=yesterday")).Status);
    }

    [Fact]
    public async Task a_snoozed_account_s_alert_is_recorded_as_snoozed_and_not_sent()
    {
        var account = Api.NewId("snoozed");

        var (status, snooze, _) = await SendAsync(HttpMethod.Post, $"/ops/accounts/{account}/snooze", """{"duration": "4h"}""");
        Assert.Equal(200, status);
        Assert.Equal((account, "*"), (snooze!["account_id"]!.GetValue<string>(), snooze["rule"]!.GetValue<string>()));
        var until = snooze["until"]!.GetValue<DateTimeOffset>();
        Assert.InRange(until - DateTimeOffset.UtcNow, TimeSpan.FromHours(3.9), TimeSpan.FromHours(4));

        await host.PostEventsAsync(Api.Json(new { @event = "billing invoice payment failed", user_id = "billing", account_id = account }));

        var entry = await host.AlertStatusAsync(account, "snoozed");
        Assert.Equal("payment_failed", entry["alert"]!["rule"]!.GetValue<string>());
        Assert.Equal(until, entry["alert"]!["snoozed_until"]!.GetValue<DateTimeOffset>());
        var state = await host.AccountAsync(account);
        Assert.Equal(until, state["account"]!["snoozes"]!["*"]!.GetValue<DateTimeOffset>());
        // The health score with its components: one active user, one event, no features, a failed payment.
        var health = state["account"]!["health"]!;
        Assert.Equal(55, health["score"]!.GetValue<int>());
        Assert.Equal(
            ["breadth 0/25", "active_users_trend 25/25", "event_trend 25/25", "billing 5/25"],
            health["components"]!.AsArray().Select(c => $"{c!["name"]} {c["points"]}/{c["max"]}"));
        Assert.DoesNotContain(host.Slack.Messages, m => (m.Text + m.Blocks?.GetRawText()).Contains(account, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"duration": "forever"}""", "'duration' is required")]
    [InlineData("""{"duration": "91d"}""", "at most 90d")]
    [InlineData("""{}""", "'duration' is required")]
    [InlineData("""{"duration": "1h", "rule": "no-such-rule"}""", "'rule' names no rule")]
    [InlineData("""{"duration": "1h", "rule": 7}""", "'rule' must be a rule id")]
    [InlineData("""[1]""", "Send a JSON object")]
    public async Task a_bad_snooze_is_a_400_saying_why(string json, string detail)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, $"/ops/accounts/{Api.NewId("snz")}/snooze", json);

        Assert.Equal(400, status);
        Assert.Contains(detail, body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task backtesting_in_embedded_mode_says_it_needs_the_stored_log()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, "/ops/rules/backtest",
            """{"rule_id": "payment_failed", "from": "2026-11-01T00:00:00Z", "to": "2026-11-20T00:00:00Z"}""");

        Assert.Equal(409, status);
        Assert.Contains("embedded mode keeps no event bodies", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"rule_id": "payment_failed"}""", 400, "'from' is required")]
    [InlineData("""{"rule_id": "payment_failed", "from": "last week"}""", 400, "'from' is required")]
    [InlineData("""{"rule_id": "payment_failed", "from": "2026-11-20T00:00:00Z", "to": "2026-11-01T00:00:00Z"}""", 400, "'to' must be after 'from'")]
    [InlineData("""{"from": "2026-11-01T00:00:00Z"}""", 400, "Name the rule")]
    [InlineData("""{"rule_id": "no-such-rule", "from": "2026-11-01T00:00:00Z"}""", 404, "has no rule 'no-such-rule'")]
    [InlineData("""{"rule": {"kind": "inactivity", "parameters": {"days": 0}}, "from": "2026-11-01T00:00:00Z"}""", 400, "'rule.parameters.days' must be a whole number")]
    public async Task a_bad_backtest_request_is_a_4xx_saying_why(string json, int expected, string detail)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, "/ops/rules/backtest", json);

        Assert.Equal(expected, status);
        Assert.Contains(detail, body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
