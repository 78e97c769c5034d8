namespace IngestLayer.Slack;

/// <summary><c>oauth.v2.access</c>'s answer, for a code exchange and a token refresh alike.</summary>
internal sealed record SlackOAuthResponse(
    bool Ok,
    string? Error = null,
    string? Warning = null,
    SlackResponseMetadata? ResponseMetadata = null,
    string? AccessToken = null,
    string? TokenType = null,
    string? Scope = null,
    string? BotUserId = null,
    string? AppId = null,
    SlackTeamRef? Team = null,
    int? ExpiresIn = null,
    string? RefreshToken = null) : ISlackEnvelope
{
    // Never print the tokens, whatever logs or exception messages the record ends up in.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Ok = {Ok}, Error = {Error}, TokenType = {TokenType}, Scope = {Scope}, Team = {Team}, ExpiresIn = {ExpiresIn}");
        return true;
    }
}

/// <summary>A Slack team as <c>oauth.v2.access</c> names it.</summary>
internal sealed record SlackTeamRef(string? Id, string? Name);

/// <summary><c>conversations.list</c>'s answer: one page of channels and the cursor of the next.</summary>
internal sealed record SlackConversationsResponse(
    bool Ok,
    string? Error = null,
    string? Warning = null,
    SlackResponseMetadata? ResponseMetadata = null,
    IReadOnlyList<SlackConversation>? Channels = null) : ISlackEnvelope;

/// <summary>One channel of <c>conversations.list</c>, the fields the ops API shows.</summary>
internal sealed record SlackConversation(string Id, string? Name, bool IsPrivate = false, bool IsMember = false, bool IsArchived = false);

/// <summary><c>conversations.join</c>'s answer: the channel joined, as an object (unlike <c>chat.postMessage</c>'s id).</summary>
internal sealed record SlackJoinResponse(
    bool Ok,
    string? Error = null,
    string? Warning = null,
    SlackResponseMetadata? ResponseMetadata = null,
    SlackConversation? Channel = null) : ISlackEnvelope;

/// <summary>The arguments of <c>conversations.join</c>.</summary>
internal sealed record SlackJoinRequest(string Channel);
