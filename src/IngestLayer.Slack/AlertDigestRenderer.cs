using System.Globalization;
using IngestLayer.Contracts;

namespace IngestLayer.Slack;

/// <summary>
/// Renders the alerts a channel got beyond its per-minute budget as one Block Kit message: a header
/// ("N more alerts for #channel") and one line per alert (rule, account, the one-line explanation). Lines
/// that would not fit in <see cref="BlockKitLimits.BlocksPerMessage"/> are summarised as "…and N more".
/// </summary>
public sealed class AlertDigestRenderer
{
    /// <summary>Each line is one short section; a long explanation is cut so the message stays readable.</summary>
    public const int MaxLineLength = 500;

    // The header, and the closing "…and N more" context when lines are left out.
    private const int MaxLines = BlockKitLimits.BlocksPerMessage - 1;

    public SlackMessage Render(IReadOnlyList<Alert> alerts, string channel)
    {
        ArgumentOutOfRangeException.ThrowIfZero(alerts.Count);

        var header = $"{alerts.Count.ToString(CultureInfo.InvariantCulture)} more {(alerts.Count == 1 ? "alert" : "alerts")} for {channel}";
        var blocks = new List<SlackBlock> { new HeaderBlock(SlackText.Plain(SlackMarkup.Truncate(header, BlockKitLimits.HeaderText))) };

        var shown = alerts.Count <= MaxLines ? alerts.Count : MaxLines - 1;
        foreach (var alert in alerts.Take(shown))
        {
            blocks.Add(new SectionBlock(SlackText.Mrkdwn(Line(alert))));
        }

        if (shown < alerts.Count)
        {
            var more = (alerts.Count - shown).ToString(CultureInfo.InvariantCulture);
            blocks.Add(new ContextBlock([SlackText.Mrkdwn($"…and {more} more")]));
        }

        return new SlackMessage(channel, SlackMarkup.EscapeMrkdwn(header, BlockKitLimits.SectionText), blocks);
    }

    /// <summary>"`rule` · Account (`acc_1`) — explanation", escaped and within <see cref="MaxLineLength"/>.</summary>
    private static string Line(Alert alert)
    {
        var rule = Code(string.IsNullOrWhiteSpace(alert.Rule) ? alert.Signal : alert.Rule, 80);
        var account = string.IsNullOrWhiteSpace(alert.AccountName) || alert.AccountName == alert.AccountId
            ? Code(alert.AccountId, 80)
            : $"{SlackMarkup.EscapeMrkdwn(alert.AccountName, 80)} ({Code(alert.AccountId, 80)})";
        var line = $"{rule} · {account}";

        // Whatever room the rule and account leave goes to the explanation.
        var room = MaxLineLength - line.Length - 3;
        return string.IsNullOrWhiteSpace(alert.Explanation) ? line : $"{line} — {SlackMarkup.EscapeMrkdwn(alert.Explanation, room)}";
    }

    // A code span cannot contain a backtick, so one in an id would end it early.
    private static string Code(string value, int maxLength) =>
        $"`{SlackMarkup.EscapeMrkdwn(value.Replace('`', '\''), maxLength)}`";
}
