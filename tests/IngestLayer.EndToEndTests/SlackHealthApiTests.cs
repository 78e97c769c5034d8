using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary><c>GET /ops/slack/channels/health</c>: a failing destination is visible to the operator with its reason and fix.</summary>
[Collection(HostCollection.Name)]
public class SlackHealthApiTests(HostFixture host)
{
    [Fact]
    public async Task a_channel_without_the_bot_shows_as_failing_with_slacks_error_and_the_fix()
    {
        var channel = "#health-" + Guid.NewGuid().ToString("N")[..6];
        var account = Api.NewId("health");
        // Private: the bot cannot join it by itself.
        host.Slack.AddChannel(channel, botIsMember: false, isPrivate: true);
        await host.ImportOwnersAsync("default", $"account_id,owner,slack_channel\n{account},ada@vendor.example,{channel}\n");

        await host.PostEventsAsync(Api.Json(new { @event = "billing invoice payment failed", user_id = "billing", account_id = account }));
        await host.AlertStatusAsync(account, "failed");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/ops/slack/channels/health");
        request.Headers.Authorization = HostFixture.Bearer(HostFixture.AdminToken);
        using var response = await host.Http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Null(body["operator_channel"]);
        var health = Assert.Single(body["channels"]!.AsArray(), c => c!["channel"]!.GetValue<string>() == channel)!;
        Assert.Equal("default", health["workspace"]!.GetValue<string>());
        Assert.Equal("failing", health["status"]!.GetValue<string>());
        Assert.Equal(1, health["consecutive_failures"]!.GetValue<int>());
        Assert.Equal("not_in_channel", health["last_error"]!.GetValue<string>());
        Assert.Equal(
            "The channel is private (or not found among public channels): the bot cannot join it by itself; invite it with /invite @yourapp",
            health["last_hint"]!.GetValue<string>());
        Assert.NotNull(health["failing_since"]);
    }

    [Fact]
    public async Task the_health_report_needs_the_admin_token()
    {
        using var response = await host.Http.GetAsync(new Uri("/ops/slack/channels/health", UriKind.Relative));

        Assert.Equal(401, (int)response.StatusCode);
    }
}
