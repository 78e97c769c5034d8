namespace IngestLayer.Slack;

/// <summary>What an operator can do about a Slack error code, in one line for the ops API.</summary>
internal static class SlackErrorHints
{
    public const string NoChannel = "Set the account's slack_channel (group trait or POST /ops/owners/import) or Slack:DefaultChannel.";

    private const string Reinstall = "Reinstall the app via GET /slack/install (or update Slack:BotToken in a single-workspace setup), then replay the alert";

    public static string? For(string error, string? detail = null) => error switch
    {
        "channel_not_found" => "Check the channel name, or invite the bot: /invite @yourapp",
        "not_in_channel" => NotInChannel(detail),
        "invalid_auth" or "not_authed" or "token_revoked" or "token_expired" or "account_inactive" or "token_unreadable" =>
            Reinstall + (detail is null ? "." : $" ({detail})"),
        "missing_scope" => "The bot token lacks chat:write; reinstall via GET /slack/install to grant the scopes",
        "is_archived" => "The channel is archived; pick another channel",
        "msg_too_long" or "invalid_blocks" or "no_text" or "invalid_arguments" =>
            "Slack rejected the message's format; this is a rendering bug" + (detail is null ? "." : $": {detail}"),
        _ => detail,
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
}
