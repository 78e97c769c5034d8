using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary><c>POST /ops/alerts/{id}/retry</c>: an operator fixes what made an alert fail and sends it again.</summary>
[Collection(HostCollection.Name)]
public class AlertRetryTests(HostFixture host)
{
    private async Task<(int Status, JsonNode? Body)> RetryAsync(string alertId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/ops/alerts/{Uri.EscapeDataString(alertId)}/retry");
        request.Headers.Authorization = HostFixture.Bearer(HostFixture.AdminToken);
        using var response = await host.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    [Fact]
    public async Task a_failed_alert_is_sent_once_the_bot_is_invited_and_it_is_retried()
    {
        var channel = "#private-" + Guid.NewGuid().ToString("N")[..6];
        var account = Api.NewId("retry");
        host.Slack.AddChannel(channel, botIsMember: false, isPrivate: true);
        await host.ImportOwnersAsync("default", $"account_id,owner,slack_channel\n{account},ada@vendor.example,{channel}\n");

        await host.PostEventsAsync(Api.Json(new { @event = "billing invoice payment failed", user_id = "billing", account_id = account }));
        var failed = await host.AlertStatusAsync(account, "failed");
        Assert.Equal("not_in_channel", failed["error"]!.GetValue<string>());
        var alertId = failed["alert"]!["alert_id"]!.GetValue<string>();

        // The operator fixes the cause (invites the bot to the channel), then retries.
        host.Slack.AddChannel(channel, botIsMember: true);
        var (status, _) = await RetryAsync(alertId);
        Assert.Equal(202, status);

        var sent = await host.AlertStatusAsync(account, "sent");
        Assert.Equal(alertId, sent["alert"]!["alert_id"]!.GetValue<string>());
        Assert.Single(host.Slack.Messages, m => m.Channel == channel);

        // Sent now: a second retry is refused rather than sending it twice.
        (status, var conflict) = await RetryAsync(alertId);
        Assert.Equal(409, status);
        Assert.Contains("has not failed", conflict!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task retrying_an_unknown_alert_is_not_found()
    {
        var (status, body) = await RetryAsync("no-such-alert");

        Assert.Equal(404, status);
        Assert.Contains("no-such-alert", body!["detail"]!.GetValue<string>());
    }
}
