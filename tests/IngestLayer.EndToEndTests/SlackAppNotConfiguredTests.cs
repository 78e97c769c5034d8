using System.Net;
using System.Text.Json.Nodes;
using IngestLayer.Testing;

namespace IngestLayer.EndToEndTests;

/// <summary>The shared host has no <c>Slack:SigningSecret</c>: the Slack app's request URLs are off and say why.</summary>
[Collection(HostCollection.Name)]
public class SlackAppNotConfiguredTests(HostFixture host)
{
    [Theory]
    [InlineData("/slack/commands")]
    [InlineData("/slack/interactions")]
    public async Task without_a_signing_secret_slacks_requests_are_not_found_naming_the_setting(string path)
    {
        using var request = SlackRequests.Command(path, "any-secret", "acme");
        using var response = await host.Http.SendAsync(request);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Slack:SigningSecret", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task without_a_signing_secret_alerts_carry_no_acknowledge_or_snooze_buttons()
    {
        var account = Api.NewId("nobuttons");
        await host.PostEventsAsync(Api.Json(new { @event = "billing invoice payment failed", user_id = "billing", account_id = account }));
        await host.AlertStatusAsync(account, "sent");

        var message = Assert.Single(host.Slack.Messages, m => m.Blocks!.Value.GetRawText().Contains(account, StringComparison.Ordinal));
        Assert.DoesNotContain("alert.acknowledge", message.Blocks!.Value.GetRawText(), StringComparison.Ordinal);
    }
}
