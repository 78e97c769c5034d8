using IngestLayer.Slack;
using IngestLayer.Storage;

namespace IngestLayer.SlackTests;

public sealed class AlertDeliveryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void the_backoff_doubles_from_five_seconds_and_is_capped_at_fifteen_minutes() =>
        Assert.Equal(
            [5, 10, 20, 40, 80, 160, 320, 640, 900, 900, 900],
            Enumerable.Range(0, 11).Select(attempts => AlertDeliveryPolicy.Backoff(attempts).TotalSeconds));

    [Fact]
    public void a_huge_attempt_count_does_not_overflow_the_backoff() =>
        Assert.Equal(TimeSpan.FromMinutes(15), AlertDeliveryPolicy.Backoff(int.MaxValue));

    [Fact]
    public void ok_is_sent_with_slacks_ts_and_the_channel_as_configured() =>
        Assert.Equal(
            new DeliveryOutcome(AlertDeliveryStatus.Sent, "#alerts", SlackTs: "1700000000.000100"),
            AlertDeliveryPolicy.Decide(Entry(0), "#alerts", new SlackPostResult.Ok("1700000000.000100", "C0000000001"), Now));

    [Fact]
    public void rate_limited_is_retried_when_slack_says() =>
        Assert.Equal(
            new DeliveryOutcome(AlertDeliveryStatus.Retrying, "#alerts", Now.AddSeconds(30), Error: "ratelimited"),
            AlertDeliveryPolicy.Decide(Entry(9), "#alerts", new SlackPostResult.RateLimited(TimeSpan.FromSeconds(30)), Now));

    [Fact]
    public void a_transient_error_is_retried_with_backoff() =>
        Assert.Equal(
            new DeliveryOutcome(AlertDeliveryStatus.Retrying, "#alerts", Now.AddSeconds(20), Error: "http_503"),
            AlertDeliveryPolicy.Decide(Entry(2), "#alerts", new SlackPostResult.Transient("http_503"), Now));

    [Fact]
    public void the_tenth_transient_failure_fails_the_alert() =>
        Assert.Equal(
            new DeliveryOutcome(
                AlertDeliveryStatus.Failed, "#alerts", Error: "timeout",
                Hint: "Gave up after 10 attempts; check that Slack is reachable from this host (ApiBaseUrl, proxy, outages)."),
            AlertDeliveryPolicy.Decide(Entry(9), "#alerts", new SlackPostResult.Transient("timeout"), Now));

    [Theory]
    [InlineData("channel_not_found", "Check the channel name, or invite the bot: /invite @yourapp")]
    [InlineData("not_in_channel", "Invite the bot to the channel (/invite @yourapp) or grant chat:write.public")]
    [InlineData("invalid_auth", "Reinstall the app via GET /slack/install (or update Slack:BotToken in a single-workspace setup), then replay the alert.")]
    [InlineData("not_authed", "Reinstall the app via GET /slack/install (or update Slack:BotToken in a single-workspace setup), then replay the alert.")]
    [InlineData("token_revoked", "Reinstall the app via GET /slack/install (or update Slack:BotToken in a single-workspace setup), then replay the alert.")]
    [InlineData("account_inactive", "Reinstall the app via GET /slack/install (or update Slack:BotToken in a single-workspace setup), then replay the alert.")]
    [InlineData("missing_scope", "The bot token lacks chat:write; reinstall via GET /slack/install to grant the scopes")]
    [InlineData("is_archived", "The channel is archived; pick another channel")]
    [InlineData("restricted_action", "The workspace only lets some members post in this channel; ask a Slack admin to allow the app, or pick another channel")]
    [InlineData("team_access_not_granted", "The app is not granted access to this channel's workspace; an org admin must add the app to it (Enterprise Grid)")]
    [InlineData("msg_too_long", "Slack rejected the message's format; this is a rendering bug.")]
    [InlineData("http_404", "Slack answered with an HTTP error; check Slack:ApiBaseUrl (and any proxy), then retry the alert")]
    [InlineData("some_new_error", "Slack refused the message (some_new_error); see https://api.slack.com/methods/chat.postMessage#errors, fix the cause, then POST /ops/alerts/{id}/retry")]
    public void a_permanent_error_fails_the_alert_with_a_hint(string error, string hint) =>
        Assert.Equal(
            new DeliveryOutcome(AlertDeliveryStatus.Failed, "#alerts", Error: error, Hint: hint),
            AlertDeliveryPolicy.Decide(Entry(0), "#alerts", new SlackPostResult.Permanent(error), Now));

    [Theory]
    [InlineData("conversations.join: missing_scope",
        "The bot is not in the channel and may not join it: reinstall via GET /slack/install to grant channels:join and channels:read, or /invite @yourapp")]
    [InlineData("conversations.join: method_not_supported_for_channel_type",
        "The channel is private (or not found among public channels): the bot cannot join it by itself; invite it with /invite @yourapp")]
    [InlineData("conversations.join: is_archived", "The bot is not in the channel and could not join it (conversations.join: is_archived); invite it with /invite @yourapp")]
    public void a_failed_join_names_its_fix_in_the_not_in_channel_hint(string detail, string hint) =>
        Assert.Equal(
            new DeliveryOutcome(AlertDeliveryStatus.Failed, "#alerts", Error: "not_in_channel", Hint: hint),
            AlertDeliveryPolicy.Decide(Entry(0), "#alerts", new SlackPostResult.Permanent("not_in_channel", detail), Now));

    [Fact]
    public void an_inactive_installation_says_to_reinstall_and_why() =>
        Assert.Equal(
            new DeliveryOutcome(AlertDeliveryStatus.Failed, "#alerts", Error: "token_revoked", Hint: "Reinstall the app via GET /slack/install (or update Slack:BotToken in a single-workspace setup), then replay the alert (inactive since …)"),
            AlertDeliveryPolicy.Decide(Entry(0), "#alerts", new SlackPostResult.Permanent("token_revoked", "inactive since …"), Now));

    [Fact]
    public void a_rejected_format_keeps_slacks_detail_in_the_hint() =>
        Assert.Equal(
            "Slack rejected the message's format; this is a rendering bug: [ERROR] must be less than 151 characters [json-pointer:/blocks/0/text]",
            AlertDeliveryPolicy.Decide(
                Entry(0), "#alerts",
                new SlackPostResult.Permanent("invalid_blocks", "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text]"),
                Now).Hint);

    private static OutboxEntry Entry(int attempts) =>
        new() { Alert = SampleAlerts.PaidFeatureOnFreePlan(), Attempts = attempts, Status = attempts == 0 ? AlertDeliveryStatus.Pending : AlertDeliveryStatus.Retrying };
}
