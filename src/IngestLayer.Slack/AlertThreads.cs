using IngestLayer.Contracts;
using IngestLayer.Storage;
using Microsoft.Extensions.Logging;

namespace IngestLayer.Slack;

/// <summary>
/// Conversations, not pings: an account's first alert of the (UTC) day in a channel is posted as a message of its
/// own and remembered (<see cref="ISlackThreadStore"/>); its later alerts that day in that channel are posted into
/// that message's thread. Pipeline deliveries are never threaded. Threading is a nicety, so a store that is down
/// makes an alert go out on its own rather than wait.
/// </summary>
public sealed partial class AlertThreads(ISlackThreadStore store, TimeProvider time, ILogger<AlertThreads> logger)
{
    /// <summary>The thread <paramref name="alert"/> belongs in when posted to <paramref name="channel"/>, or null to start one.</summary>
    public async ValueTask<SlackThread?> FindAsync(Alert alert, string channel, CancellationToken cancellationToken)
    {
        if (!Threaded(alert))
        {
            return null;
        }

        try
        {
            return await store.GetAsync(Key(alert, channel), cancellationToken);
        }
        catch (StorageUnavailableException ex)
        {
            LogStoreUnavailable(ex, alert.AlertId);
            return null;
        }
    }

    /// <summary>After posting: a message that started no thread's reply (<paramref name="thread"/> null) and went out starts the day's thread.</summary>
    public async ValueTask RememberAsync(Alert alert, string channel, SlackThread? thread, SlackPostResult result)
    {
        if (thread is not null || !Threaded(alert) || result is not SlackPostResult.Ok { Ts.Length: > 0 } posted)
        {
            return;
        }

        try
        {
            // Not cancellable: the message is out, and a shutdown now must not leave the rest of the day unthreaded.
            await store.AddAsync(Key(alert, channel), new SlackThread(posted.Channel, posted.Ts), CancellationToken.None);
        }
        catch (StorageUnavailableException ex)
        {
            LogStoreUnavailable(ex, alert.AlertId);
        }
    }

    private static bool Threaded(Alert alert) => alert.Signal != AlertSignals.Pipeline;

    private SlackThreadKey Key(Alert alert, string channel) =>
        new(alert.Workspace, alert.AccountId, channel, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Slack thread store is unavailable; alert {AlertId} is posted without threading")]
    private partial void LogStoreUnavailable(Exception exception, string alertId);
}
