using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using IngestLayer.Testing;

namespace IngestLayer.EndToEndTests;

/// <summary><c>POST /slack/commands</c>: the <c>/engagement</c> slash command, signed as Slack signs it, against the real host.</summary>
public sealed class SlackCommandTests(SlackAppFixture host) : IClassFixture<SlackAppFixture>
{
    private const string Path = "/slack/commands";

    [Fact]
    public async Task engagement_for_a_known_account_shows_plan_owner_health_top_features_active_users_and_last_alerts()
    {
        var account = Api.NewId("acme");
        await host.ImportOwnerAsync(account, "ada@vendor.example", "#default-alerts");
        await host.SendAsync("/v1/group", new { userId = "u1", groupId = account, traits = new { name = "Acme Inc", plan = "free" } });
        await host.SendAsync("/v1/events", new { events = new object[]
        {
            new { @event = "feature.used", user_id = "u1", account_id = account, properties = new { feature = "csv.export", count = 3 } },
            new { @event = "feature.used", user_id = "u2", account_id = account, properties = new { feature = "reports.view", count = 5 } },
            new { @event = "feature.used", user_id = "u2", account_id = account, properties = new { feature = "api.keys", count = 1 } },
        } });
        await host.AlertsAsync(account, "sent"); // csv.export on the free plan: an expansion alert
        await host.AccountAsync(account, a => a["features"]!.AsObject().Count == 3 && a["recent_alerts"]!.AsArray().Count == 1, "the three features and the alert");

        var clock = Stopwatch.StartNew();
        var (status, body) = await CommandAsync(account);
        clock.Stop();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"answered in {clock.Elapsed}");
        Assert.Equal("ephemeral", body["response_type"]!.GetValue<string>());
        var blocks = SlackBlocks.Text(body["blocks"]);
        Assert.Contains($"Engagement: Acme Inc ({account})", blocks);
        Assert.Contains("*Plan*\nfree", blocks);
        Assert.Contains("*Owner*\nada@vendor.example", blocks);
        Assert.Matches(@"\*Health\*\n\d+/100", blocks);
        Assert.Contains("*Active users*\n2 today · 2 in 7d · 2 in 28d", blocks);
        // Top features over 7 days, most used first, with their counts.
        Assert.Contains("*Top features, last 7 days*\n1. `reports.view` 5\n2. `csv.export` 3\n3. `api.keys` 1", blocks);
        Assert.Contains("*Last alerts*", blocks);
        Assert.Contains("`paid_feature_on_free_plan`", blocks);
        Assert.Contains($"https://crm.example.test/accounts/default/{account}", blocks);
        Assert.Contains("Acme Inc", body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task an_account_typed_with_capitals_and_spaces_is_found_under_its_id()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var account = $"globex-{suffix}";
        await host.SendAsync("/v1/events", new { @event = "feature.used", user_id = "u1", account_id = account, properties = new { feature = "search" } });
        await host.AccountAsync(account, a => a["features"]!.AsObject().Count == 1, "the feature");

        var (status, body) = await CommandAsync($"GLOBEX {suffix.ToUpperInvariant()}");

        Assert.Equal(HttpStatusCode.OK, status);
        var blocks = SlackBlocks.Text(body["blocks"]);
        Assert.Contains($"Engagement: {account}", blocks);
        Assert.Contains($"No account is called `GLOBEX {suffix.ToUpperInvariant()}`; showing `{account}`.", blocks);
    }

    [Fact]
    public async Task a_slack_team_the_app_is_installed_to_reads_the_workspace_of_its_installation()
    {
        await host.InstallAsync(SlackAppFixture.SecondWorkspace, "T0SECOND");
        var account = Api.NewId("initech");
        await host.SendAsync("/v1/events", new { @event = "feature.used", user_id = "u1", account_id = account, properties = new { feature = "tps.report" } }, SlackAppFixture.SecondWriteKey);
        await host.AccountAsync(account, a => a["features"]!.AsObject().Count == 1, "the feature", SlackAppFixture.SecondWorkspace);

        var (_, fromSecond) = await SendAsync(SlackRequests.Command(Path, SlackAppFixture.SigningSecret, account, teamId: "T0SECOND"));
        var (_, fromOther) = await SendAsync(SlackRequests.Command(Path, SlackAppFixture.SigningSecret, account, teamId: "T0NOINSTALL"));

        Assert.Contains($"Workspace `{SlackAppFixture.SecondWorkspace}`", SlackBlocks.Text(fromSecond["blocks"]));
        Assert.Contains("`tps.report` 1", SlackBlocks.Text(fromSecond["blocks"]));
        // A team without an installation reads Slack:Workspace (default), where the account is unknown.
        Assert.Contains($"No account `{account}` in workspace `default`.", fromOther["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task an_unknown_account_gets_a_helpful_reply()
    {
        var (status, body) = await CommandAsync("no-such-account");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ephemeral", body["response_type"]!.GetValue<string>());
        var text = body["text"]!.GetValue<string>();
        Assert.Contains("No account `no-such-account` in workspace `default`.", text);
        Assert.Contains("Type the account id your events send", text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("help")]
    public async Task no_account_gets_the_usage(string text)
    {
        var (status, body) = await CommandAsync(text);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("Usage: `/engagement <account id>`", body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_request_signed_more_than_five_minutes_ago_is_refused()
    {
        using var request = SlackRequests.Command(Path, SlackAppFixture.SigningSecret, "acme", signedAt: DateTimeOffset.UtcNow.AddMinutes(-6));
        var (status, problem) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("more than 5 minutes from now", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_forged_signature_is_refused_without_saying_what_was_expected()
    {
        var now = DateTimeOffset.UtcNow;
        using var forged = SlackRequests.Command(Path, "a-secret-that-is-not-the-apps", "acme", signedAt: now);
        var (status, problem) = await SendAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var detail = problem["detail"]!.GetValue<string>();
        Assert.Equal("The X-Slack-Signature signature does not match the request.", detail);
        Assert.DoesNotContain(SlackAppFixture.SigningSecret, problem.ToJsonString());
    }

    [Fact]
    public async Task a_body_changed_after_signing_is_refused()
    {
        using var signed = SlackRequests.Command(Path, SlackAppFixture.SigningSecret, "acme");
        var body = await signed.Content!.ReadAsStringAsync();
        signed.Content = new StringContent(body.Replace("text=acme", "text=globex", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        var (status, _) = await SendAsync(signed);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task an_unsigned_request_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new FormUrlEncodedContent([new("text", "acme")]) };
        var (status, problem) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("not signed", problem["detail"]!.GetValue<string>());
    }

    private Task<(HttpStatusCode Status, JsonNode Body)> CommandAsync(string text) =>
        SendAsync(SlackRequests.Command(Path, SlackAppFixture.SigningSecret, text));

    private async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await host.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, JsonNode.Parse(body)!);
        }
    }
}
