using System.Globalization;
using IngestLayer.Contracts;

namespace IngestLayer.Slack;

/// <summary>
/// The answers of the <c>/engagement</c> slash command, as Block Kit: an account's plan, owner, health score, top
/// features over 7 days, active users over 1/7/28 days and its last alerts; usage help; and the reply for an account
/// that is not found. Every value from events or the book of business is escaped.
/// </summary>
public sealed class EngagementMessageRenderer
{
    /// <summary>How many features and alerts the answer lists.</summary>
    public const int TopFeatures = 5;
    public const int LastAlerts = 3;

    private const int Cell = BlockKitLimits.FieldText / 2;

    /// <summary>The account's engagement. <paramref name="resolvedFrom"/> is what was typed when it differs from the account id.</summary>
    public SlackCommandResponse Render(AccountSnapshot account, string? accountUrl = null, string? resolvedFrom = null)
    {
        var profile = account.Profile;
        var title = string.IsNullOrWhiteSpace(profile.Name) || profile.Name == account.AccountId
            ? account.AccountId
            : $"{profile.Name} ({account.AccountId})";
        var health = account.Health;
        var users = account.ActiveUsers;

        var blocks = new List<SlackBlock>
        {
            new HeaderBlock(SlackText.Plain(SlackMarkup.Truncate("Engagement: " + title, BlockKitLimits.HeaderText))),
        };

        if (resolvedFrom is not null)
        {
            blocks.Add(new ContextBlock([SlackText.Mrkdwn($"No account is called {Code(resolvedFrom)}; showing {Code(account.AccountId)}.")]));
        }

        blocks.Add(new SectionBlock(Fields:
        [
            Field("Plan", Escape(profile.Plan) is { Length: > 0 } plan ? plan : "unknown"),
            Field("Owner", Escape(profile.Owner) is { Length: > 0 } owner ? owner : "unassigned"),
            Field("Health", health is null ? "n/a" : $"{health.Score.ToString(CultureInfo.InvariantCulture)}/100 {Gauge(health.Score)}"),
            Field("Billing", Escape(account.Billing.Status)),
            Field("Active users", $"{Number(users.LastDay)} today · {Number(users.Last7Days)} in 7d · {Number(users.Last28Days)} in 28d{Trend(users)}"),
            Field("Last seen", account.LastSeen is { } seen ? Date(seen) : "never"),
        ]));

        if (health is { Components.Count: > 0 })
        {
            var parts = health.Components.Select(c =>
                $"{Escape(c.Name.Replace('_', ' '))} {c.Points.ToString(CultureInfo.InvariantCulture)}/{c.Max.ToString(CultureInfo.InvariantCulture)} ({Escape(c.Detail)})");
            blocks.Add(new ContextBlock([SlackText.Mrkdwn(SlackMarkup.Truncate("Health: " + string.Join(" · ", parts), BlockKitLimits.SectionText))]));
        }

        blocks.Add(new SectionBlock(SlackText.Mrkdwn(Features(account))));
        blocks.Add(new SectionBlock(SlackText.Mrkdwn(Alerts(account.RecentAlerts))));

        if (accountUrl is not null)
        {
            blocks.Add(new ActionsBlock([new ButtonElement(SlackText.Plain("Open account"), AlertActions.Open, Url: accountUrl)]));
        }

        blocks.Add(new ContextBlock([SlackText.Mrkdwn($"Workspace {Code(account.Workspace)} · as of {Date(account.AsOf)}")]));

        var text = $"{title}: plan {profile.Plan ?? "unknown"}, owner {profile.Owner ?? "unassigned"}, health {health?.Score.ToString(CultureInfo.InvariantCulture) ?? "n/a"}/100";
        return SlackCommandResponse.Private(SlackMarkup.EscapeMrkdwn(text, BlockKitLimits.SectionText), blocks);
    }

    /// <summary>The reply to <c>/engagement</c> with nothing after it.</summary>
    public SlackCommandResponse Usage(string command)
    {
        var name = Escape(string.IsNullOrWhiteSpace(command) ? "/engagement" : command);
        var text = $"Usage: `{name} <account id>`, e.g. `{name} acme`: the account's plan, owner, health score, top features over "
            + "7 days, active users and last alerts (only you see the answer).";
        return SlackCommandResponse.Private(text, [new SectionBlock(SlackText.Mrkdwn(text))]);
    }

    /// <summary>The reply for an account nobody has sent events for, with the known ids closest to what was typed.</summary>
    public SlackCommandResponse NotFound(string typed, string workspace, string command, IReadOnlyList<string> suggestions)
    {
        var name = Escape(string.IsNullOrWhiteSpace(command) ? "/engagement" : command);
        var text = $"No account {Code(typed)} in workspace {Code(workspace)}.";
        text += suggestions.Count > 0
            ? " Did you mean " + string.Join(", ", suggestions.Select(s => $"{Code(s)}")) + "?"
            : $" Type the account id your events send (their `account_id`, or the group id of a `group` call), e.g. `{name} acme`; ids are case-sensitive.";
        return SlackCommandResponse.Private(text, [new SectionBlock(SlackText.Mrkdwn(text))]);
    }

    /// <summary>A reply that says the question could not be answered now (the cluster was too slow or a store is down).</summary>
    public SlackCommandResponse Unavailable(string typed) =>
        SlackCommandResponse.Private($"IngestLayer could not read {Code(typed)} in time; try again in a moment.");

    private static string Features(AccountSnapshot account)
    {
        var top = account.Features
            .Where(f => f.Value.Last7Days > 0)
            .OrderByDescending(f => f.Value.Last7Days)
            .ThenBy(f => f.Key, StringComparer.Ordinal)
            .Take(TopFeatures)
            .Select((f, i) => $"{(i + 1).ToString(CultureInfo.InvariantCulture)}. {Code(f.Key)} {Number(f.Value.Last7Days)}");
        var lines = string.Join("\n", top);
        return SlackMarkup.Truncate("*Top features, last 7 days*\n" + (lines.Length > 0 ? lines : "_no feature used in the last 7 days_"), BlockKitLimits.SectionText);
    }

    private static string Alerts(IReadOnlyList<AlertSummary> alerts)
    {
        var lines = alerts.Take(LastAlerts).Select(a =>
        {
            var line = $"• {Date(a.FiredAt)} {Code(a.Signal)} {SlackMarkup.EscapeMrkdwn(a.Explanation, 400)}";
            return a.AcknowledgedBy is { } by ? $"{line} _(acknowledged by {Escape(by)})_" : line;
        });
        var text = string.Join("\n", lines);
        return SlackMarkup.Truncate("*Last alerts*\n" + (text.Length > 0 ? text : "_none_"), BlockKitLimits.SectionText);
    }

    // 7-day actives against what the 28-day figure averages per week: "rising" when this week beats it clearly.
    private static string Trend(ActiveUserCounts users)
    {
        if (users.Last28Days == 0)
        {
            return "";
        }

        var weekly = users.Last28Days / 4.0;
        return users.Last7Days > weekly * 1.2 ? " (rising)" : users.Last7Days < weekly * 0.8 ? " (falling)" : " (steady)";
    }

    private static string Gauge(int score) => score >= 75 ? ":large_green_circle:" : score >= 50 ? ":large_yellow_circle:" : ":red_circle:";

    private static SlackText Field(string label, string escapedValue) => SlackText.Mrkdwn($"*{label}*\n{escapedValue}");

    private static string Escape(string? value) => SlackMarkup.EscapeMrkdwn(value, Cell);

    private static string Code(string value) => $"`{SlackMarkup.EscapeMrkdwn(value.Replace('`', '\''), Cell - 2)}`";

    private static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Date(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        var fallback = utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return $"<!date^{utc.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}^{{date_short_pretty}} {{time}}|{fallback}>";
    }
}
