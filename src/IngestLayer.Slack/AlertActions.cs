using System.Text.Json;
using System.Text.Json.Serialization;
using IngestLayer.Contracts;

namespace IngestLayer.Slack;

/// <summary>
/// The buttons under an alert message — Acknowledge, Snooze 7 days, Open account — and what their clicks carry back.
/// Acknowledge and Snooze need <c>/slack/interactions</c>, so they appear only when <see cref="SlackOptions.SigningSecret"/>
/// is set; Open account only when <see cref="SlackOptions.AccountUrlTemplate"/> is. Pipeline deliveries get none: they
/// relay events, they are not an account's alerts.
/// </summary>
public static class AlertActions
{
    public const string Acknowledge = "alert.acknowledge";
    public const string Snooze = "alert.snooze";
    public const string Open = "alert.open";

    /// <summary>The block id of the buttons, so an update can find and replace them.</summary>
    public const string BlockId = "alert_actions";

    /// <summary>The block id of the "who did what" lines an update adds.</summary>
    public const string StatusBlockId = "alert_status";

    /// <summary>How long the Snooze button silences the alert's rule on the account.</summary>
    public static readonly TimeSpan SnoozeFor = TimeSpan.FromDays(7);

    /// <summary>The alert's buttons, or null when none applies.</summary>
    public static ActionsBlock? For(Alert alert, SlackOptions options)
    {
        if (alert.Signal == AlertSignals.Pipeline)
        {
            return null;
        }

        var buttons = new List<ButtonElement>(3);
        var value = AlertReference.Of(alert).Encode();
        if (options.HasSigningSecret && value.Length <= AlertReference.MaxLength)
        {
            buttons.Add(new ButtonElement(SlackText.Plain("Acknowledge"), Acknowledge, value, Style: "primary"));
            buttons.Add(new ButtonElement(SlackText.Plain("Snooze 7 days"), Snooze, value));
        }

        if (options.AccountUrl(alert.Workspace, alert.AccountId) is { } url)
        {
            buttons.Add(new ButtonElement(SlackText.Plain("Open account"), Open, Url: url));
        }

        return buttons.Count == 0 ? null : new ActionsBlock(buttons, BlockId);
    }
}

/// <summary>
/// Which alert a button belongs to, as its <c>value</c>: workspace, account, rule and alert id. Slack hands the value
/// back unchanged in a signed payload, so it needs no signature of its own.
/// </summary>
public sealed record AlertReference(
    [property: JsonPropertyName("w")] string Workspace,
    [property: JsonPropertyName("a")] string AccountId,
    [property: JsonPropertyName("r")] string Rule,
    [property: JsonPropertyName("id")] string AlertId)
{
    /// <summary>Slack's limit on a button value.</summary>
    public const int MaxLength = 2000;

    public static AlertReference Of(Alert alert) => new(alert.Workspace, alert.AccountId, alert.Rule ?? alert.Signal, alert.AlertId);

    public string Encode() => JsonSerializer.Serialize(this, SlackJsonContext.Default.AlertReference);

    /// <summary>Reads a button value; null when it is not one this app made.</summary>
    public static AlertReference? TryDecode(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(value, SlackJsonContext.Default.AlertReference) is { } r
                   && r.Workspace is { Length: > 0 } && r.AccountId is { Length: > 0 } && r.Rule is { Length: > 0 } && r.AlertId is { Length: > 0 }
                ? r
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
