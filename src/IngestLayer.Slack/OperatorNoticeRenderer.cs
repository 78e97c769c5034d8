using System.Globalization;

namespace IngestLayer.Slack;

/// <summary>The operator's messages about a channel whose deliveries fail (<see cref="SlackOptions.OperatorChannel"/>).</summary>
internal static class OperatorNoticeRenderer
{
    /// <summary>"Deliveries to #x are failing: error — hint", with how many failed since when and where to look.</summary>
    public static SlackMessage Failing(string operatorChannel, string channel, string error, string? hint, int failures, DateTimeOffset since)
    {
        var summary = $"Deliveries to {channel} are failing: {error}{(hint is null ? "" : " — " + hint)}";
        var detail = $"{Count(failures)} failed in a row since {since.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}. "
            + "The alerts stay in the outbox (GET /ops/alerts?status=failed); once fixed, POST /ops/alerts/{id}/retry sends one again. "
            + "GET /ops/slack/channels/health shows every channel.";
        return new SlackMessage(
            operatorChannel,
            SlackMarkup.EscapeMrkdwn(summary, BlockKitLimits.SectionText),
            [
                new SectionBlock(SlackText.Mrkdwn(":warning: " + SlackMarkup.EscapeMrkdwn(summary, BlockKitLimits.SectionText - 10))),
                new ContextBlock([SlackText.Mrkdwn(SlackMarkup.EscapeMrkdwn(detail, BlockKitLimits.SectionText))]),
            ]);
    }

    /// <summary>"Deliveries to #x work again", after the operator was told they failed.</summary>
    public static SlackMessage Recovered(string operatorChannel, string channel, int failures)
    {
        var summary = $"Deliveries to {channel} work again (after {Count(failures)} failed in a row).";
        return new SlackMessage(
            operatorChannel,
            SlackMarkup.EscapeMrkdwn(summary, BlockKitLimits.SectionText),
            [new SectionBlock(SlackText.Mrkdwn(":white_check_mark: " + SlackMarkup.EscapeMrkdwn(summary, BlockKitLimits.SectionText - 20)))]);
    }

    private static string Count(int failures) =>
        $"{failures.ToString(CultureInfo.InvariantCulture)} {(failures == 1 ? "attempt" : "attempts")}";
}
