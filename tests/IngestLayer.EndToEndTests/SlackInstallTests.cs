using System.Net;
using System.Text.Json.Nodes;
using IngestLayer.Slack;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// The Slack app's install through the real host, against the fake Slack: the browser's round trip, every way the
/// callback can go wrong (each a page, never a 500), the installation in the ops API, and alerts posted with its token.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class SlackInstallTests(HostFixture host) : IDisposable
{
    // A browser's view: redirects are looked at, not followed (Slack's authorize page is the fake's Authorize).
    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _browser.Dispose();

    private async Task<Uri> StartInstallAsync(string workspace)
    {
        using var response = await _browser.GetAsync($"/slack/install?workspace={workspace}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    private async Task<(HttpStatusCode Status, string Html, string? ContentType)> CallbackAsync(string pathAndQuery)
    {
        using var response = await _browser.GetAsync(pathAndQuery);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    // What the browser does after Slack's page: follow the redirect, which names the host's callback.
    private static string OnHost(Uri callback) => callback.PathAndQuery;

    private static string BillingFailed(string account) =>
        Api.Json(new { @event = "billing invoice payment failed", user_id = "billing", account_id = account });

    // An account of the workspace owned by someone with a channel of the test's own: the default channel is shared
    // by the other tests, and its per-minute budget with them.
    private async Task<string> OwnedAccountAsync(string prefix, string workspace, string channel)
    {
        var account = Api.NewId(prefix);
        using var csv = new StringContent($"account_id,owner,slack_channel\n{account},ada@vendor.example,{channel}\n", System.Text.Encoding.UTF8, "text/csv");
        using var import = new HttpRequestMessage(HttpMethod.Post, $"/ops/owners/import?workspace={workspace}") { Content = csv };
        import.Headers.Authorization = HostFixture.Bearer(HostFixture.AdminToken);
        using var imported = await host.Http.SendAsync(import);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        return account;
    }

    private static string NewChannel(string prefix) => $"#{prefix}-{Guid.NewGuid().ToString("N")[..6]}";

    [Fact]
    public async Task an_install_round_trip_stores_the_installation_and_alerts_then_post_with_its_token()
    {
        var authorize = await StartInstallAsync("slackapp");
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal("https://slack.com/oauth/v2/authorize", authorize.GetLeftPart(UriPartial.Path));
        Assert.Equal((host.Slack.ClientId, HostFixture.SlackRedirectUri), (query["client_id"].ToString(), query["redirect_uri"].ToString()));
        Assert.Equal("chat:write,chat:write.public,channels:read,channels:join,commands", query["scope"]);

        var (status, html, contentType) = await CallbackAsync(OnHost(host.Slack.Authorize(authorize)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/html", contentType);
        Assert.Contains("installed in the Slack team <strong>Fake Slack</strong> for workspace <strong>slackapp</strong>", html, StringComparison.Ordinal);
        var token = host.Slack.IssuedTokens[^1];

        var (listed, body) = await host.OpsGetAsync("/ops/slack/installations");
        Assert.Equal(200, listed);
        var installation = body!["installations"]!.AsArray().Single(i => i!["workspace"]!.GetValue<string>() == "slackapp")!;
        Assert.Equal(("T0FAKESLACK", "Fake Slack", "U0FAKEBOT", true), (
            installation["team_id"]!.GetValue<string>(), installation["team_name"]!.GetValue<string>(),
            installation["bot_user_id"]!.GetValue<string>(), installation["active"]!.GetValue<bool>()));
        Assert.Equal(["chat:write", "chat:write.public", "channels:read", "channels:join", "commands"], installation["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.DoesNotContain(token, body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("xox", body.ToJsonString(), StringComparison.Ordinal);

        // An alert of the workspace goes out as its installed bot, not with Slack:BotToken.
        var channel = NewChannel("installed");
        host.Slack.AddChannel(channel);
        var account = await OwnedAccountAsync("installed", "slackapp", channel);
        await host.PostEventsAsync(BillingFailed(account), HostFixture.SlackAppKey);
        await host.AlertStatusAsync(account, "sent");
        Assert.Single(host.Slack.Calls, c => c.Method == "chat.postMessage" && c.Channel == channel && c.BearerToken == token && c.Error is null);

        // The installed bot lists the team's channels for the operator.
        var (channelsStatus, channels) = await host.OpsGetAsync("/ops/slack/channels?workspace=slackapp");
        Assert.Equal(200, channelsStatus);
        Assert.Contains(channels!["channels"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "default-alerts" && c["is_member"]!.GetValue<bool>() && !c["is_private"]!.GetValue<bool>());
        Assert.Equal(token, host.Slack.Calls.Last(c => c.Method == "conversations.list").BearerToken);
    }

    [Fact]
    public async Task a_revoked_installation_fails_alerts_with_the_reason_and_shows_inactive()
    {
        await CallbackAsync(OnHost(host.Slack.Authorize(await StartInstallAsync("slackgone"))));
        host.Slack.RevokeToken(host.Slack.IssuedTokens[^1]);

        var channel = NewChannel("revoked");
        host.Slack.AddChannel(channel);
        var account = await OwnedAccountAsync("revoked", "slackgone", channel);
        await host.PostEventsAsync(BillingFailed(account), HostFixture.SlackGoneKey);

        var failed = await host.AlertStatusAsync(account, "failed");
        Assert.Equal("token_revoked", failed["error"]!.GetValue<string>());
        Assert.StartsWith("Reinstall the app via GET /slack/install", failed["hint"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, body) = await host.OpsGetAsync("/ops/slack/installations");
        var installation = body!["installations"]!.AsArray().Single(i => i!["workspace"]!.GetValue<string>() == "slackgone")!;
        Assert.False(installation["active"]!.GetValue<bool>());
        Assert.Equal("token_revoked", installation["deactivated_reason"]!.GetValue<string>());

        // The operator's channel list says the same instead of failing obscurely.
        var (status, problem) = await host.OpsGetAsync("/ops/slack/channels?workspace=slackgone");
        Assert.Equal(409, status);
        Assert.Contains("/slack/install?workspace=slackgone", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_state_that_was_not_issued_here_ends_on_a_400_page()
    {
        var (status, html, contentType) = await CallbackAsync("/slack/oauth/callback?code=code-x&state=forged");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("text/html", contentType);
        Assert.Contains("This install link is not valid", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_expired_state_ends_on_a_400_page_that_says_to_start_again()
    {
        var state = host.Services.GetRequiredService<SlackInstallState>().Issue("slackapp", DateTimeOffset.UtcNow - TimeSpan.FromMinutes(11));

        var (status, html, _) = await CallbackAsync($"/slack/oauth/callback?code=code-x&state={Uri.EscapeDataString(state)}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("This install link has expired", html, StringComparison.Ordinal);
        Assert.Contains("/slack/install?workspace=slackapp", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_callback_replayed_ends_on_a_400_page_and_exchanges_nothing()
    {
        var callback = OnHost(host.Slack.Authorize(await StartInstallAsync("slackapp")));
        Assert.Equal(HttpStatusCode.OK, (await CallbackAsync(callback)).Status);
        var exchanges = host.Slack.Calls.Count(c => c.Method == "oauth.v2.access");

        var (status, html, _) = await CallbackAsync(callback);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("This install link was already used", html, StringComparison.Ordinal);
        Assert.Equal(exchanges, host.Slack.Calls.Count(c => c.Method == "oauth.v2.access"));
    }

    [Fact]
    public async Task a_denied_install_ends_on_a_403_page()
    {
        var state = QueryHelpers.ParseQuery((await StartInstallAsync("slackapp")).Query)["state"].ToString();

        var (status, html, _) = await CallbackAsync($"/slack/oauth/callback?error=access_denied&state={Uri.EscapeDataString(state)}");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("The install was cancelled", html, StringComparison.Ordinal);
        Assert.Contains("access_denied", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_code_slack_refuses_ends_on_a_400_page_naming_invalid_code()
    {
        var state = QueryHelpers.ParseQuery((await StartInstallAsync("slackapp")).Query)["state"].ToString();

        var (status, html, _) = await CallbackAsync($"/slack/oauth/callback?code=code-never-issued&state={Uri.EscapeDataString(state)}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Slack refused the authorization code", html, StringComparison.Ordinal);
        Assert.Contains("invalid_code", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/slack/install", "Several workspaces are configured")]
    [InlineData("/slack/install?workspace=no%20spaces", "'workspace' may hold letters")]
    public async Task an_install_without_a_clear_workspace_is_a_400_problem(string path, string detail)
    {
        using var response = await _browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(detail, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_slack_ops_endpoints_need_the_admin_token()
    {
        using var response = await _browser.GetAsync("/ops/slack/installations");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task a_public_channel_the_bot_is_not_in_is_joined_and_the_alert_sent()
    {
        var channel = NewChannel("joinme");
        host.Slack.AddChannel(channel, botIsMember: false);
        var account = await OwnedAccountAsync("join", "default", channel);

        await host.PostEventsAsync(BillingFailed(account));

        await host.AlertStatusAsync(account, "sent");
        var id = host.Slack.ChannelId(channel);
        Assert.Single(host.Slack.Calls, c => c.Method == "conversations.join" && c.Channel == id && c.Error is null);
        Assert.Single(host.Slack.Messages, m => m.Channel == channel);
    }
}
