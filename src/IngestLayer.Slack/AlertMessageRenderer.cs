using System.Globalization;
using IngestLayer.Contracts;

namespace IngestLayer.Slack;

/// <summary>
/// Renders an <see cref="Alert"/> as a Block Kit message: the title as a header, the one-line
/// explanation, the account and evidence as fields, and the signal and time as context. User-provided
/// values are escaped and each text kept within <see cref="BlockKitLimits"/>; the message as a whole is brought
/// within them by <see cref="SlackMessageLimiter"/> when posted.
/// </summary>
public sealed class AlertMessageRenderer
{
    /// <summary>Renders <paramref name="alert"/> for <paramref name="channel"/>, with <paramref name="actions"/> (its buttons, see <see cref="AlertActions"/>) last.</summary>
    public SlackMessage Render(Alert alert, string channel, ActionsBlock? actions = null)
    {
        var title = Title(alert);
        var blocks = new List<SlackBlock>
        {
            new HeaderBlock(SlackText.Plain(SlackMarkup.Truncate(title, BlockKitLimits.HeaderText))),
        };

        // A pipeline's rendered template is the message. Its *bold* and _italics_ survive escaping, which only
        // touches & < >: so an event property rendered into it cannot ping <!channel> or forge a link.
        var body = alert.Text ?? alert.Explanation;
        if (!string.IsNullOrWhiteSpace(body))
        {
            blocks.Add(new SectionBlock(SlackText.Mrkdwn(SlackMarkup.EscapeMrkdwn(body, BlockKitLimits.SectionText))));
        }

        // Every field, ten to a section: SlackMessageLimiter leaves out what does not fit and counts it in "…and N more".
        foreach (var chunk in Fields(alert).Chunk(BlockKitLimits.SectionFields))
        {
            blocks.Add(new SectionBlock(Fields: chunk));
        }

        blocks.Add(new ContextBlock([SlackText.Mrkdwn(Context(alert))]));
        if (actions is not null)
        {
            blocks.Add(actions);
        }

        var text = string.IsNullOrWhiteSpace(body) ? title : $"{title} — {body}";
        return new SlackMessage(channel, SlackMarkup.EscapeMrkdwn(text, BlockKitLimits.SectionText), blocks);
    }

    private static string Title(Alert alert) =>
        string.IsNullOrWhiteSpace(alert.Title) ? $"{Capitalize(alert.Category)}: {alert.Signal}" : alert.Title;

    private static IEnumerable<SlackText> Fields(Alert alert)
    {
        var account = string.IsNullOrWhiteSpace(alert.AccountName) || alert.AccountName == alert.AccountId
            ? Code(alert.AccountId)
            : $"{SlackMarkup.EscapeMrkdwn(alert.AccountName, BlockKitLimits.FieldText / 2)} ({Code(alert.AccountId)})";
        yield return Field("Account", account);

        if (!string.IsNullOrWhiteSpace(alert.Plan))
        {
            yield return Field("Plan", SlackMarkup.EscapeMrkdwn(alert.Plan, BlockKitLimits.FieldText / 2));
        }

        if (!string.IsNullOrWhiteSpace(alert.Owner))
        {
            yield return Field("Owner", SlackMarkup.EscapeMrkdwn(alert.Owner, BlockKitLimits.FieldText / 2));
        }

        if (!string.IsNullOrWhiteSpace(alert.Subject))
        {
            yield return Field("Subject", Code(alert.Subject));
        }

        foreach (var item in alert.Evidence)
        {
            yield return Field(item.Label, SlackMarkup.EscapeMrkdwn(item.Value, BlockKitLimits.FieldText / 2));
        }
    }

    // Labels and values each get at most half of a field, so "*label*\nvalue" always fits.
    private static SlackText Field(string label, string escapedValue) =>
        SlackText.Mrkdwn($"*{SlackMarkup.EscapeMrkdwn(label, (BlockKitLimits.FieldText / 2) - 8)}*\n{escapedValue}");

    // A code span cannot contain a backtick, so one in an id would end it early.
    private static string Code(string value) =>
        $"`{SlackMarkup.EscapeMrkdwn(value.Replace('`', '\''), (BlockKitLimits.FieldText / 2) - 2)}`";

    private static string Context(Alert alert)
    {
        var firedAt = alert.FiredAt.ToUniversalTime();
        var fallback = firedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

        // <!date^…> shows the time in each reader's own time zone; the text after '|' is for clients that cannot.
        var when = $"<!date^{firedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}^{{date_short_pretty}} {{time}}|{fallback}>";
        var kind = string.Join('/', new[] { alert.Category, alert.Severity }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var parts = new[]
        {
            string.IsNullOrWhiteSpace(alert.Signal) ? "" : Code(alert.Signal),
            SlackMarkup.EscapeMrkdwn(kind, 200),
            $"fired {when}",
        };
        return string.Join(" · ", parts.Where(p => p.Length > 0));
    }

    private static string Capitalize(string value) =>
        value.Length == 0 ? value : char.ToUpperInvariant(value[0]) + value[1..];
}
