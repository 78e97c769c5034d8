using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IngestLayer.Testing;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// <c>POST /slack/interactions</c>: the Acknowledge and Snooze 7 days buttons of alert messages, clicked as Slack reports
/// a click (signed, with the message's blocks), written back to the account and shown on the message with chat.update.
/// </summary>
public sealed class SlackInteractionTests(SlackAppFixture host) : IClassFixture<SlackAppFixture>
{
    private const string Path = "/slack/interactions";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task an_alert_message_carries_acknowledge_snooze_and_open_account_buttons()
    {
        var account = Api.NewId("buttons");
        var message = await PaymentFailedMessageAsync(account);

        var actions = Actions(message);
        Assert.Equal(["alert.acknowledge", "alert.snooze", "alert.open"], actions.Select(a => a["action_id"]!.GetValue<string>()));
        Assert.Equal(["Acknowledge", "Snooze 7 days", "Open account"], actions.Select(a => a["text"]!["text"]!.GetValue<string>()));
        Assert.Equal($"https://crm.example.test/accounts/default/{account}", actions[2]["url"]!.GetValue<string>());
        var value = JsonNode.Parse(actions[0]["value"]!.GetValue<string>())!;
        Assert.Equal(account, value["a"]!.GetValue<string>());
        Assert.Equal("payment_failed", value["r"]!.GetValue<string>());
    }

    [Fact]
    public async Task acknowledge_records_who_acknowledged_on_the_account_and_the_message_shows_it()
    {
        var account = Api.NewId("ack");
        var message = await PaymentFailedMessageAsync(account);

        var status = await ClickAsync(message, "alert.acknowledge", userId: "U0ADA", userName: "ada");

        Assert.Equal(HttpStatusCode.OK, status);
        var state = await host.AccountAsync(account, a => a["recent_alerts"]![0]!["acknowledged_by"] is not null, "the acknowledgement");
        Assert.Equal("ada", state["recent_alerts"]![0]!["acknowledged_by"]!.GetValue<string>());
        Assert.NotNull(state["recent_alerts"]![0]!["acknowledged_at"]);

        var update = await UpdateOfAsync(message);
        var text = SlackBlocks.Text(JsonNode.Parse(update.Blocks!.Value.GetRawText()));
        Assert.Contains(":white_check_mark: Acknowledged by <@U0ADA>", text);
        Assert.Contains("Risk: invoice payment failed", text); // the rest of the message is kept
        Assert.Equal(3, Actions(update.Blocks!.Value).Count); // and so are the buttons
    }

    [Fact]
    public async Task snooze_keeps_the_rule_quiet_on_the_account_for_seven_days_and_the_message_shows_it()
    {
        var account = Api.NewId("snooze");
        var message = await PaymentFailedMessageAsync(account);

        var status = await ClickAsync(message, "alert.snooze", userId: "U0BOB", userName: "bob");

        Assert.Equal(HttpStatusCode.OK, status);
        var state = await host.AccountAsync(account, a => a["snoozes"]!.AsObject().ContainsKey("payment_failed"), "the snooze");
        var until = state["snoozes"]!["payment_failed"]!.GetValue<DateTimeOffset>();
        Assert.InRange(until - host.AppTime.GetUtcNow(), TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        var update = await UpdateOfAsync(message);
        Assert.Contains(":zzz: Snoozed by <@U0BOB>", SlackBlocks.Text(JsonNode.Parse(update.Blocks!.Value.GetRawText())));

        // The payment fails again two days later: recorded as snoozed, not sent.
        host.AppTime.Advance(TimeSpan.FromDays(2));
        await FailAgainAsync(account);
        await host.AlertsAsync(account, "snoozed");
        Assert.Single(MessagesOf(account));

        // Eight days after the click the snooze is over: the next failure is sent.
        host.AppTime.Advance(TimeSpan.FromDays(6));
        await FailAgainAsync(account);
        await host.AlertsAsync(account, "sent", count: 2);
        Assert.Equal(2, MessagesOf(account).Count);
    }

    [Fact]
    public async Task the_open_account_link_and_other_interactions_are_answered_and_change_nothing()
    {
        var account = Api.NewId("open");
        var message = await PaymentFailedMessageAsync(account);

        Assert.Equal(HttpStatusCode.OK, await ClickAsync(message, "alert.open"));
        using (var viewClosed = SlackRequests.Interaction(Path, SlackAppFixture.SigningSecret, """{"type":"view_closed","user":{"id":"U1"}}"""))
        using (var response = await host.Http.SendAsync(viewClosed))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var state = await host.AccountAsync(account, _ => true, "the account");
        Assert.Null(state["recent_alerts"]![0]!["acknowledged_by"]);
        Assert.Empty(state["snoozes"]!.AsObject());
    }

    [Fact]
    public async Task a_forged_click_is_refused_and_changes_nothing()
    {
        var account = Api.NewId("forged");
        var message = await PaymentFailedMessageAsync(account);
        var value = Actions(message)[1]["value"]!.GetValue<string>();

        using var forged = SlackRequests.BlockAction(Path, "not-the-signing-secret", "alert.snooze", value, message.ChannelId, message.Ts, message.Blocks);
        using var response = await host.Http.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var state = await host.AccountAsync(account, _ => true, "the account");
        Assert.Empty(state["snoozes"]!.AsObject());
    }

    [Fact]
    public async Task a_click_from_another_slack_team_than_the_workspaces_installation_is_forbidden()
    {
        var workspace = "slackapp3";
        await host.InstallAsync(workspace, "T0THIRD");
        var value = """{"w":"slackapp3","a":"acme","r":"payment_failed","id":"al_1"}""";

        using var fromElsewhere = SlackRequests.BlockAction(Path, SlackAppFixture.SigningSecret, "alert.snooze", value, "C0000000001", "1.000100", null, teamId: "T0FAKESLACK");
        using var response = await host.Http.SendAsync(fromElsewhere);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("installed in another Slack team", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", "'payload'")]
    [InlineData("not json", "not a block_actions interaction")]
    [InlineData("""{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"alert.snooze","value":"{}"}]}""", "does not name an IngestLayer alert")]
    public async Task a_malformed_interaction_is_a_400_saying_what_is_wrong(string payload, string expected)
    {
        using var request = payload.Length == 0
            ? SlackRequests.Signed(Path, SlackAppFixture.SigningSecret, "nothing=here")
            : SlackRequests.Interaction(Path, SlackAppFixture.SigningSecret, payload);
        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
    }

    private async Task<FakeSlackMessage> PaymentFailedMessageAsync(string account)
    {
        await host.SendAsync("/v1/events", new { @event = "billing invoice payment failed", user_id = "billing", account_id = account });
        await host.AlertsAsync(account, "sent");
        return Assert.Single(MessagesOf(account));
    }

    private async Task FailAgainAsync(string account)
    {
        await host.SendAsync("/v1/events", new { @event = "billing invoice paid", user_id = "billing", account_id = account });
        // Applied on its own first: the rule re-arms when a batch finds the payment no longer failed.
        await host.AccountAsync(account, a => a["billing"]!["status"]!.GetValue<string>() == "ok", "the payment");
        await host.SendAsync("/v1/events", new { @event = "billing invoice payment failed", user_id = "billing", account_id = account });
    }

    private List<FakeSlackMessage> MessagesOf(string account) =>
        [.. host.Slack.Messages.Where(m => m.Blocks is { } b && b.GetRawText().Contains(account, StringComparison.Ordinal))];

    private async Task<HttpStatusCode> ClickAsync(FakeSlackMessage message, string actionId, string userId = "U0ADA", string userName = "ada")
    {
        var button = Actions(message).Single(a => a["action_id"]!.GetValue<string>() == actionId);
        using var request = SlackRequests.BlockAction(
            Path, SlackAppFixture.SigningSecret, actionId, button["value"]?.GetValue<string>(), message.ChannelId, message.Ts, message.Blocks, userId, userName);
        using var response = await host.Http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<FakeSlackUpdate> UpdateOfAsync(FakeSlackMessage message)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var updates = await host.Slack.WaitForUpdatesAsync(1, Wait);
            if (updates.LastOrDefault(u => u.Ts == message.Ts && u.ChannelId == message.ChannelId) is { } update)
            {
                return update;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No chat.update of message {message.Ts} within {Wait}.");
            }

            await Task.Delay(50);
        }
    }

    private static List<JsonNode> Actions(FakeSlackMessage message) => Actions(message.Blocks!.Value);

    private static List<JsonNode> Actions(JsonElement blocks) =>
        [.. JsonNode.Parse(blocks.GetRawText())!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "actions")!["elements"]!.AsArray().Select(e => e!)];
}
