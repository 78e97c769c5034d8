namespace IngestLayer.Slack;

/// <summary>
/// Which bot token to call Slack with for a workspace: its installation's (rotated first when it is about to expire),
/// else <c>Slack:BotToken</c>; null when there is neither (alerts go to the dev inbox).
/// </summary>
public interface ISlackTokenSource
{
    ValueTask<SlackCredential?> GetAsync(string workspace, CancellationToken cancellationToken);

    /// <summary>
    /// Tells the source Slack refused <paramref name="token"/> with <paramref name="error"/>; an installation's token
    /// answered <c>token_revoked</c>, <c>invalid_auth</c> or <c>account_inactive</c> marks the installation inactive.
    /// </summary>
    ValueTask ReportRejectedAsync(SlackCredential.Token token, string error, CancellationToken cancellationToken);
}

/// <summary>What <see cref="ISlackTokenSource"/> has for a workspace.</summary>
public abstract record SlackCredential
{
    private SlackCredential()
    {
    }

    /// <summary>
    /// A token to call Slack with: an installation's (<paramref name="InstallationId"/>) or the configured fallback (null).
    /// Its ToString leaves the token out.
    /// </summary>
    public sealed record Token(string Value, string Workspace, Guid? InstallationId) : SlackCredential
    {
        protected override bool PrintMembers(System.Text.StringBuilder builder)
        {
            builder.Append($"Workspace = {Workspace}, InstallationId = {InstallationId}");
            return true;
        }
    }

    /// <summary>The workspace's installation cannot be used until someone acts (it was revoked): posting fails with <paramref name="Error"/>.</summary>
    public sealed record Unusable(string Error, string Detail) : SlackCredential;

    /// <summary>The token could not be refreshed just now (Slack unreachable): posting is retried later.</summary>
    public sealed record Unavailable(string Error) : SlackCredential;
}
