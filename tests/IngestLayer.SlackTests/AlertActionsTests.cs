using System.Text.Json;
using System.Text.Json.Nodes;
using IngestLayer.Contracts;
using IngestLayer.Slack;

namespace IngestLayer.SlackTests;

public sealed class AlertActionsTests
{
    private static readonly SlackOptions Interactive = new() { SigningSecret = "secret", AccountUrlTemplate = "https://crm.example.test/{workspace}/accounts/{account}" };

    [Fact]
    public void an_alert_gets_acknowledge_snooze_and_open_buttons_naming_it()
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan() with { AccountId = "acc 42/x" };

        var actions = AlertActions.For(alert, Interactive)!;

        Assert.Equal(AlertActions.BlockId, actions.BlockId);
        Assert.Equal([AlertActions.Acknowledge, AlertActions.Snooze, AlertActions.Open], actions.Elements.Select(e => e.ActionId));
        Assert.Equal(new AlertReference("acme-analytics", "acc 42/x", "paid_feature_on_free_plan", alert.AlertId), AlertReference.TryDecode(actions.Elements[0].Value));
        Assert.Equal("https://crm.example.test/acme-analytics/accounts/acc%2042%2Fx", actions.Elements[2].Url);
        Assert.Null(actions.Elements[2].Value);
    }

    [Fact]
    public void without_a_signing_secret_only_the_link_remains_and_without_either_no_buttons()
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan();

        Assert.Equal([AlertActions.Open], AlertActions.For(alert, new SlackOptions { AccountUrlTemplate = Interactive.AccountUrlTemplate })!.Elements.Select(e => e.ActionId));
        Assert.Null(AlertActions.For(alert, new SlackOptions()));
    }

    [Fact]
    public void a_pipeline_delivery_gets_no_buttons() =>
        Assert.Null(AlertActions.For(SampleAlerts.PaidFeatureOnFreePlan() with { Signal = AlertSignals.Pipeline }, Interactive));

    [Fact]
    public void an_alert_whose_reference_exceeds_slacks_value_limit_gets_no_clickable_buttons()
    {
        var actions = AlertActions.For(SampleAlerts.PaidFeatureOnFreePlan() with { AccountId = new string('a', 2100) }, Interactive)!;

        Assert.Equal([AlertActions.Open], actions.Elements.Select(e => e.ActionId));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("acme")]
    [InlineData("{\"w\":\"default\",\"a\":\"acme\"}")]
    [InlineData("[1,2]")]
    public void a_value_that_is_not_an_alert_reference_decodes_to_null(string? value) => Assert.Null(AlertReference.TryDecode(value));

    [Fact]
    public void the_buttons_come_last_in_the_rendered_alert_as_an_actions_block_of_buttons()
    {
        var message = new AlertMessageRenderer().Render(SampleAlerts.PaidFeatureOnFreePlan(), "#alerts", AlertActions.For(SampleAlerts.PaidFeatureOnFreePlan(), Interactive));

        var json = message.ToJson();
        var last = json.GetProperty("blocks")[json.GetProperty("blocks").GetArrayLength() - 1];
        Assert.Equal("actions", last.GetProperty("type").GetString());
        Assert.Equal("alert_actions", last.GetProperty("block_id").GetString());
        var button = last.GetProperty("elements")[0];
        Assert.Equal("button", button.GetProperty("type").GetString());
        Assert.Equal("primary", button.GetProperty("style").GetString());
        Assert.Equal("Acknowledge", button.GetProperty("text").GetProperty("text").GetString());
        Assert.Equal("alert.acknowledge", button.GetProperty("action_id").GetString());
    }

    [Fact]
    public void a_status_line_goes_above_the_buttons_and_a_second_one_joins_it()
    {
        var blocks = Blocks(
            """{"type":"header","block_id":"h","text":{"type":"plain_text","text":"Risk"}}""",
            """{"type":"actions","block_id":"alert_actions","elements":[]}""");

        var once = AlertStatusBlocks.WithStatus(blocks, "Acknowledged by <@U1>");
        var twice = AlertStatusBlocks.WithStatus(once, "Snoozed by <@U2>");

        var list = JsonNode.Parse(twice.GetRawText())!.AsArray();
        Assert.Equal(["h", "alert_status", "alert_actions"], list.Select(b => b!["block_id"]!.GetValue<string>()));
        Assert.Equal(["Acknowledged by <@U1>", "Snoozed by <@U2>"], list[1]!["elements"]!.AsArray().Select(e => e!["text"]!.GetValue<string>()));
    }

    [Fact]
    public void a_message_at_the_block_limit_stays_at_it_when_the_status_is_added()
    {
        var full = Enumerable.Range(0, BlockKitLimits.BlocksPerMessage - 1)
            .Select(i => $$$"""{"type":"section","block_id":"s{{{i}}}","text":{"type":"mrkdwn","text":"x"}}""")
            .Append("""{"type":"actions","block_id":"alert_actions","elements":[]}""")
            .ToArray();

        var updated = JsonNode.Parse(AlertStatusBlocks.WithStatus(Blocks(full), "Acknowledged").GetRawText())!.AsArray();

        Assert.Equal(BlockKitLimits.BlocksPerMessage, updated.Count);
        Assert.Equal("alert_status", updated[^2]!["block_id"]!.GetValue<string>());
        Assert.Equal("alert_actions", updated[^1]!["block_id"]!.GetValue<string>());
    }

    private static JsonElement Blocks(params string[] blocks) => JsonDocument.Parse("[" + string.Join(",", blocks) + "]").RootElement.Clone();
}
