namespace IngestLayer.Slack;

/// <summary>
/// What an operator can do about a Slack error code, in one line for the ops API. Every ok:false error that
/// <see cref="SlackClient"/> does not know as transient fails the alert at once: Slack's own transient codes are
/// known, and an unrecognised code is far more likely a refusal of this request (a new permission or
/// workspace rule) than an outage, so retrying it would only send the same refusal again. Its hint points at
/// Slack's list of errors; once the cause is fixed the alert is sent again with <c>POST /ops/alerts/{id}/retry</c>.
/// </summary>
internal static class SlackErrorHints
{
    public const string NoChannel = "Set the account's slack_channel (group trait or POST /ops/owners/import) or Slack:DefaultChannel.";

    private const string Reinstall = "Reinstall the app via GET /slack/install (or update Slack:BotToken in a single-workspace setup), then replay the alert";

    public static string For(string error, string? detail = null) => error switch
    {
        "channel_not_found" => "Check the channel name, or invite the bot: /invite @yourapp",
        "not_in_channel" => NotInChannel(detail),
        "invalid_auth" or "not_authed" or "token_revoked" or "token_expired" or "account_inactive" or "token_unreadable" =>
            Reinstall + (detail is null ? "." : $" ({detail})"),
        "missing_scope" => "The bot token lacks chat:write; reinstall via GET /slack/install to grant the scopes",
        "is_archived" => "The channel is archived; pick another channel",
        "restricted_action" => "The workspace only lets some members post in this channel; ask a Slack admin to allow the app, or pick another channel",
        "team_access_not_granted" => "The app is not granted access to this channel's workspace; an org admin must add the app to it (Enterprise Grid)",
        "msg_too_long" or "msg_blocks_too_long" or "invalid_blocks" or "no_text" or "invalid_arguments" =>
            "Slack rejected the message's format; this is a rendering bug" + (detail is null ? "." : $": {detail}"),
        _ when error.StartsWith("http_", StringComparison.Ordinal) =>
            "Slack answered with an HTTP error; check Slack:ApiBaseUrl (and any proxy), then retry the alert" + Detail(detail),
        _ => $"Slack refused the message ({error}); see https://api.slack.com/methods/chat.postMessage#errors, fix the cause, then POST /ops/alerts/{{id}}/retry"
            + Detail(detail),
    };

    // The bot tried to join (SlackPoster) and the detail says why it could not.
    private static string NotInChannel(string? detail) => detail?.StartsWith(SlackPoster.JoinFailedPrefix, StringComparison.Ordinal) switch
    {
        true when detail.EndsWith("missing_scope", StringComparison.Ordinal) =>
            "The bot is not in the channel and may not join it: reinstall via GET /slack/install to grant channels:join and channels:read, or /invite @yourapp",
        true when detail.EndsWith("method_not_supported_for_channel_type", StringComparison.Ordinal) || detail.EndsWith("not_a_public_channel", StringComparison.Ordinal) =>
            "The channel is private (or not found among public channels): the bot cannot join it by itself; invite it with /invite @yourapp",
        true => $"The bot is not in the channel and could not join it ({detail}); invite it with /invite @yourapp",
        _ => "Invite the bot to the channel (/invite @yourapp) or grant chat:write.public",
    };

    private static string Detail(string? detail) => detail is null ? "" : $" ({detail})";
}
