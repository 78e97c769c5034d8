namespace IngestLayer.Slack;

/// <summary>What an operator can do about a Slack error code, in one line for the ops API.</summary>
internal static class SlackErrorHints
{
    public const string NoChannel = "Set the account's slack_channel (group trait or POST /ops/owners/import) or Slack:DefaultChannel.";

    public static string? For(string error, string? detail = null) => error switch
    {
        "channel_not_found" => "Check the channel name, or invite the bot: /invite @yourapp",
        "not_in_channel" => "Invite the bot to the channel (/invite @yourapp) or grant chat:write.public",
        "invalid_auth" or "not_authed" or "token_revoked" or "token_expired" or "account_inactive" =>
            "Slack:BotToken is invalid or revoked; reinstall the app and update the token",
        "missing_scope" => "The bot token lacks chat:write",
        "is_archived" => "The channel is archived; pick another channel",
        "msg_too_long" or "invalid_blocks" or "no_text" or "invalid_arguments" =>
            "Slack rejected the message's format; this is a rendering bug" + (detail is null ? "." : $": {detail}"),
        _ => detail,
    };
}
