using System.Globalization;
using System.Text;
using IngestLayer.Contracts;

namespace IngestLayer.Slack;

/// <summary>
/// Renders an owner's daily digest as one Block Kit message: a header, the day's counts by category
/// (expansion, risk), then one section per account listing its signals with their one-line explanations.
/// Whatever would break <see cref="BlockKitLimits"/> is summed up as "…and N more".
/// </summary>
public sealed class OwnerDigestRenderer
{
    /// <summary>A signal's line; a long explanation is cut so one account cannot crowd out the rest.</summary>
    public const int MaxLineLength = 500;

    // The header and the counts; the rest is accounts, the last block kept for "…and N more accounts" when needed.
    private const int FixedBlocks = 2;
    private const int MaxAccountBlocks = BlockKitLimits.BlocksPerMessage - FixedBlocks;

    public SlackMessage Render(string owner, DateOnly day, IReadOnlyList<Alert> alerts, string channel)
    {
        ArgumentOutOfRangeException.ThrowIfZero(alerts.Count);

        var count = Plural(alerts.Count, "signal");
        var header = $"Daily digest for {owner}: {count}";
        var counts = CategoryCounts(alerts);
        var blocks = new List<SlackBlock>
        {
            new HeaderBlock(SlackText.Plain(SlackMarkup.Truncate(header, BlockKitLimits.HeaderText))),
            new SectionBlock(SlackText.Mrkdwn(SlackMarkup.EscapeMrkdwn(
                $"{day.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture)} · {counts}", BlockKitLimits.SectionText))),
        };

        // Accounts in the order their first signal fired, each account's signals in firing order.
        var accounts = alerts.OrderBy(a => a.FiredAt).GroupBy(a => a.AccountId, StringComparer.Ordinal).ToList();
        var shown = accounts.Count <= MaxAccountBlocks ? accounts.Count : MaxAccountBlocks - 1;
        foreach (var account in accounts.Take(shown))
        {
            blocks.Add(new SectionBlock(SlackText.Mrkdwn(AccountSection([.. account]))));
        }

        if (shown < accounts.Count)
        {
            var rest = accounts.Skip(shown).ToList();
            blocks.Add(new ContextBlock([SlackText.Mrkdwn(
                $"…and {Plural(rest.Count, "more account")} ({Plural(rest.Sum(g => g.Count()), "signal")})")]));
        }

        var fallback = $"Daily digest for {owner}: {count} ({counts})";
        return new SlackMessage(channel, SlackMarkup.EscapeMrkdwn(fallback, BlockKitLimits.SectionText), blocks);
    }

    /// <summary>"expansion 2 · risk 1": expansion and risk first, any other category after them by name.</summary>
    private static string CategoryCounts(IReadOnlyList<Alert> alerts) =>
        string.Join(" · ", alerts
            .GroupBy(a => string.IsNullOrWhiteSpace(a.Category) ? "other" : a.Category, StringComparer.Ordinal)
            .OrderBy(g => g.Key switch { "expansion" => 0, "risk" => 1, _ => 2 })
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count().ToString(CultureInfo.InvariantCulture)} {g.Key}"));

    /// <summary>"*Globex* (`acc_42`) · 2 signals" and a bullet per signal, within one section's text limit.</summary>
    private static string AccountSection(IReadOnlyList<Alert> alerts)
    {
        var first = alerts[0];
        var name = string.IsNullOrWhiteSpace(first.AccountName) || first.AccountName == first.AccountId
            ? Code(first.AccountId)
            : $"*{SlackMarkup.EscapeMrkdwn(first.AccountName, 80)}* ({Code(first.AccountId)})";
        var text = new StringBuilder($"{name} · {Plural(alerts.Count, "signal")}");

        // Room for the closing "…and N more" line, so it always fits after the last line that does.
        const int moreRoom = 32;
        for (var i = 0; i < alerts.Count; i++)
        {
            var line = "\n• " + Line(alerts[i]);
            var isLast = i == alerts.Count - 1;
            if (text.Length + line.Length > BlockKitLimits.SectionText - (isLast ? 0 : moreRoom))
            {
                text.Append("\n…and ").Append((alerts.Count - i).ToString(CultureInfo.InvariantCulture)).Append(" more");
                break;
            }

            text.Append(line);
        }

        return text.ToString();
    }

    /// <summary>"`rule` — explanation", escaped and within <see cref="MaxLineLength"/>.</summary>
    private static string Line(Alert alert)
    {
        var rule = Code(string.IsNullOrWhiteSpace(alert.Rule) ? alert.Signal : alert.Rule);
        var room = MaxLineLength - rule.Length - 3;
        return string.IsNullOrWhiteSpace(alert.Explanation) ? rule : $"{rule} — {SlackMarkup.EscapeMrkdwn(alert.Explanation, room)}";
    }

    // A code span cannot contain a backtick, so one in an id would end it early.
    private static string Code(string value) => $"`{SlackMarkup.EscapeMrkdwn(value.Replace('`', '\''), 80)}`";

    private static string Plural(int n, string noun) => $"{n.ToString(CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";
}
