using IngestLayer.Contracts;
using IngestLayer.Slack;
using IngestLayer.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.SlackApp;

/// <summary>
/// Answers <c>/engagement &lt;account&gt;</c>. Slack shows an error unless the answer comes within 3 seconds, so every read
/// shares one <see cref="Budget"/>; when it runs out the answer says to try again instead of arriving too late.
/// An account id typed with other capitals or spaces (<c>Acme Inc</c>) is found under its usual spellings
/// (<c>acme-inc</c>, <c>acme_inc</c>, <c>acmeinc</c>); an unknown one gets the closest known ids.
/// </summary>
public sealed partial class EngagementCommand(
    IGrainFactory grains,
    IEventLog log,
    SlackTeamWorkspaces workspaces,
    EngagementMessageRenderer renderer,
    IOptionsMonitor<SlackOptions> options,
    ILogger<EngagementCommand> logger)
{
    /// <summary>All the reads of one answer, leaving Slack's 3 s for the network and the rendering.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2.2);

    /// <summary>Longer than any account id worth looking up; beyond it the text is answered with the usage help.</summary>
    public const int MaxAccountLength = 256;

    // Known ids scanned for suggestions: a bound on the time, not a promise to look at every account.
    private const int SuggestionScan = 5_000;
    private const int SuggestionPage = 1_000;

    public async Task<SlackCommandResponse> AnswerAsync(SlackRequest request, CancellationToken cancellationToken)
    {
        var command = request.Field("command");
        var typed = request.Field("text").Trim();
        if (typed.Length == 0 || typed.Length > MaxAccountLength || typed is "help" or "?")
        {
            return renderer.Usage(command);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Budget);
        var workspace = "";
        try
        {
            workspace = await workspaces.ForTeamAsync(request.Field("team_id"), deadline.Token);
            var (found, spelledAs) = await FindAsync(workspace, typed, deadline.Token);
            if (found is not null)
            {
                LogAnswered(workspace, found.AccountId);
                var url = options.CurrentValue.AccountUrl(workspace, found.AccountId);
                return renderer.Render(found, url, spelledAs == typed ? null : typed);
            }

            return renderer.NotFound(typed, workspace, command, await SuggestAsync(workspace, typed, deadline.Token));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogTooSlow(workspace, Budget);
            return renderer.Unavailable(typed);
        }
        catch (Exception ex) when (ex is TimeoutException or StorageUnavailableException or OrleansException)
        {
            // Slack shows the user a bare "failed" for anything but a 200; saying what happened is kinder.
            LogFailed(ex, workspace);
            return renderer.Unavailable(typed);
        }
    }

    private async Task<(AccountSnapshot? Account, string SpelledAs)> FindAsync(string workspace, string typed, CancellationToken cancellationToken)
    {
        // Every spelling at once: each is one grain call, and the budget is for all of them.
        var spellings = Spellings(typed);
        var lookups = spellings.Select(s => grains.GetGrain<IAccountGrain>(GrainKeys.Account(workspace, s)).GetSnapshotAsync().WaitAsync(cancellationToken)).ToArray();
        var snapshots = await Task.WhenAll(lookups);
        for (var i = 0; i < spellings.Count; i++)
        {
            if (snapshots[i] is { } snapshot)
            {
                return (snapshot, spellings[i]);
            }
        }

        return (null, typed);
    }

    // As typed first, so an exact id always wins.
    private static List<string> Spellings(string typed)
    {
        var lower = typed.ToLowerInvariant();
        var words = lower.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return new[] { typed, lower, string.Join('-', words), string.Join('_', words), string.Concat(words) }
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private async Task<IReadOnlyList<string>> SuggestAsync(string workspace, string typed, CancellationToken cancellationToken)
    {
        var known = new List<string>();
        string? after = null;
        try
        {
            while (known.Count < SuggestionScan)
            {
                var page = await log.ReadAccountIdsAsync(workspace, after, SuggestionPage, cancellationToken);
                known.AddRange(page);
                if (page.Count < SuggestionPage)
                {
                    break;
                }

                after = page[^1];
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && known.Count > 0)
        {
            // Out of time while scanning: suggest from what was read, rather than answer "try again" for a typo.
        }

        return AccountSuggestions.Closest(typed, known);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "/engagement answered for account {Workspace}/{AccountId}")]
    private partial void LogAnswered(string workspace, string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "/engagement in workspace {Workspace} ran out of its {Budget} budget; answered 'try again'")]
    private partial void LogTooSlow(string workspace, TimeSpan budget);

    [LoggerMessage(Level = LogLevel.Warning, Message = "/engagement in workspace {Workspace} could not read the account; answered 'try again'")]
    private partial void LogFailed(Exception exception, string workspace);
}
