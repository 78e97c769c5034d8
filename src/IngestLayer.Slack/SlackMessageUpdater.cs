using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IngestLayer.Slack;

/// <summary>
/// Sends <c>chat.update</c>s off the request path, as the bot of the alert's workspace (<see cref="SlackPoster"/>):
/// a button click is answered at once (Slack wants its 200 within 3 seconds) and the message shows who acted a moment
/// later. In memory and best effort: an update lost to a restart leaves the message as it was, while the click itself
/// is already recorded on the account.
/// </summary>
public sealed partial class SlackMessageUpdater(SlackPoster slack, ILogger<SlackMessageUpdater> logger) : BackgroundService
{
    private const int Capacity = 1_000;

    /// <summary>A 429 asking for longer than this is not waited out: the update is dropped.</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    private readonly Channel<(string Workspace, SlackMessageUpdate Update)> _queue = Channel.CreateBounded<(string, SlackMessageUpdate)>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>Queues an update of a message of <paramref name="workspace"/>; false when the queue is full (Slack unreachable for a long while) and it was dropped.</summary>
    public bool Enqueue(string workspace, SlackMessageUpdate update)
    {
        if (_queue.Writer.TryWrite((workspace, update)))
        {
            return true;
        }

        LogDropped(update.Channel, update.Ts);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (workspace, update) in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await UpdateAsync(workspace, update, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A store that is down (the workspace's token lives there) costs this update, not the worker: an
                    // exception escaping a hosted service stops the whole host.
                    LogThrew(ex, update.Channel, update.Ts);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: queued updates are dropped (see the summary).
        }
    }

    private async Task UpdateAsync(string workspace, SlackMessageUpdate update, CancellationToken stoppingToken)
    {
        var result = await slack.UpdateAsync(workspace, update, stoppingToken);
        if (result is SlackPostResult.RateLimited { RetryAfter: var wait } && wait <= MaxRetryAfter)
        {
            await Task.Delay(wait, stoppingToken);
            result = await slack.UpdateAsync(workspace, update, stoppingToken);
        }

        if (result is not SlackPostResult.Ok)
        {
            LogFailed(update.Channel, update.Ts, result.ToString());
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "chat.update of message {Ts} in {Channel} threw; the update is dropped")]
    private partial void LogThrew(Exception exception, string channel, string ts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "chat.update of message {Ts} in {Channel} dropped: the update queue is full")]
    private partial void LogDropped(string channel, string ts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "chat.update of message {Ts} in {Channel} failed: {Result}")]
    private partial void LogFailed(string channel, string ts, string result);
}
