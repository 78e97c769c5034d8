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
    [InlineData("invalid_auth", "Slack:BotToken is invalid or revoked; reinstall the app and update the token")]
    [InlineData("not_authed", "Slack:BotToken is invalid or revoked; reinstall the app and update the token")]
    [InlineData("token_revoked", "Slack:BotToken is invalid or revoked; reinstall the app and update the token")]
    [InlineData("account_inactive", "Slack:BotToken is invalid or revoked; reinstall the app and update the token")]
    [InlineData("missing_scope", "The bot token lacks chat:write")]
    [InlineData("is_archived", "The channel is archived; pick another channel")]
    public void a_permanent_error_fails_the_alert_with_a_hint(string error, string hint) =>
        Assert.Equal(
            new DeliveryOutcome(AlertDeliveryStatus.Failed, "#alerts", Error: error, Hint: hint),
            AlertDeliveryPolicy.Decide(Entry(0), "#alerts", new SlackPostResult.Permanent(error), Now));

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
