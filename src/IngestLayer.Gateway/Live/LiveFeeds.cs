using IngestLayer.Contracts.Live;
using IngestLayer.Pipelines.Filters;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace IngestLayer.Gateway.Live;

/// <summary>
/// Serves live feeds as server-sent events: watches the stream (so account grains publish to it), subscribes with a
/// <see cref="LiveSubscription"/>, and writes what arrives, filtered, until the client leaves or falls behind.
/// </summary>
internal sealed partial class LiveFeeds(
    IClusterClient client,
    LiveWatchCache watches,
    IOptions<LiveOptions> options,
    TimeProvider time,
    ILogger<LiveFeeds> logger)
{
    private int _subscribers;

    /// <summary>Takes a place for one more feed on this host, or false when it serves <see cref="LiveOptions.MaxSubscribers"/>.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _subscribers) <= options.Value.MaxSubscribers)
        {
            return true;
        }

        Interlocked.Decrement(ref _subscribers);
        return false;
    }

    /// <summary>Serves <paramref name="feed"/> on <paramref name="http"/>'s response until it ends; the caller has <see cref="TryEnter"/>ed.</summary>
    public async Task ServeAsync(HttpContext http, LiveFeed feed, CompiledFilter? filter)
    {
        var o = options.Value;
        var aborted = http.RequestAborted;
        var subscriber = Guid.NewGuid();
        var lease = o.HeartbeatInterval * 4 < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : o.HeartbeatInterval * 4;
        var registry = client.GetGrain<ILiveWatchersGrain>(ILiveWatchersGrain.Key);
        var subscription = new LiveSubscription(o.BufferCapacity);
        StreamSubscriptionHandle<LiveDelivery>? handle = null;
        try
        {
            // Watched before subscribing, and this host's copy updated at once: its own grains publish from the next batch.
            watches.Apply(await registry.WatchAsync(feed.WatchKey, subscriber, lease));
            var (ns, key) = LiveStreams.Stream(feed.WatchKey);
            var stream = client.GetStreamProvider(LiveStreams.Provider).GetStream<LiveDelivery>(StreamId.Create(ns, key));
            handle = await stream.SubscribeAsync(subscription);
            LogSubscribed(logger, feed.Kind, feed.Workspace, feed.Id);

            var response = http.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass each frame through as it comes
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

            var frames = new System.Buffers.ArrayBufferWriter<byte>(4096);
            LiveFrames.Ready(frames, feed.Kind, feed.Workspace, feed.Id, filter?.Text);
            await response.Body.WriteAsync(frames.WrittenMemory, aborted);
            await response.Body.FlushAsync(aborted);
            frames.ResetWrittenCount();

            using var writes = CancellationTokenSource.CreateLinkedTokenSource(aborted);

            // The lease is renewed on its own clock, not by the writer: a writer stuck on a client that stopped reading
            // must keep the feed watched until the subscriber is dropped, or the feed would go quiet without saying so.
            using var renewals = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            _ = RenewWhileServedAsync(registry, feed, subscriber, lease, renewals.Token);
            var writing = WriteAsync(response, subscription, filter is null ? null : new LiveFilter(filter), frames, writes.Token);
            // Which task won says nothing: a writer that saw the drop may finish before the drop's own continuation runs.
            await Task.WhenAny(writing, subscription.Dropped);
            if (subscription.IsDropped)
            {
                // Let go of the stream at once, whatever the writer is stuck on; then the last line, if the client takes it in time.
                LogDropped(logger, feed.Kind, feed.Workspace, feed.Id, o.BufferCapacity);
                await renewals.CancelAsync();
                await LetGoAsync(registry, handle, subscriber);
                handle = null;
                writes.CancelAfter(o.DropGrace);
                await FinishDroppedAsync(http, writing, o.BufferCapacity, writes.Token);
                return;
            }

            try
            {
                await writing;
            }
            finally
            {
                await renewals.CancelAsync();
            }

            if (!aborted.IsCancellationRequested)
            {
                // The stream itself ended (its provider completed it): say so, so the client reconnects rather than waits.
                LogStreamEnded(logger, feed.Kind, feed.Workspace, feed.Id);
                LiveFrames.Ended(frames);
                await FlushAsync(response, frames, aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: the normal end of a feed.
        }
        finally
        {
            if (handle is not null)
            {
                await LetGoAsync(registry, handle, subscriber);
            }

            Interlocked.Decrement(ref _subscribers);
        }
    }

    private async Task WriteAsync(HttpResponse response, LiveSubscription subscription, LiveFilter? filter, System.Buffers.ArrayBufferWriter<byte> frames, CancellationToken cancellationToken)
    {
        var heartbeat = options.Value.HeartbeatInterval;
        var reader = subscription.Reader;
        Task<bool>? waiting = null;
        while (true)
        {
            waiting ??= reader.WaitToReadAsync(cancellationToken).AsTask();
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var delay = Task.Delay(heartbeat, time, idle.Token);
                if (await Task.WhenAny(waiting, delay) != waiting)
                {
                    LiveFrames.Heartbeat(frames);
                    await FlushAsync(response, frames, cancellationToken);
                    continue;
                }

                await idle.CancelAsync();
            }

            if (!await waiting || subscription.IsDropped)
            {
                return; // the stream ended, or the subscriber was dropped (what is still buffered is not sent)
            }

            waiting = null;
            if (subscription.TakeDiscarded() is > 0 and var discarded)
            {
                LiveFrames.Discarded(frames, discarded);
            }

            while (!subscription.IsDropped && reader.TryRead(out var batch))
            {
                subscription.Taken();
                Write(frames, batch, filter);
                if (frames.WrittenCount >= 32 * 1024)
                {
                    await FlushAsync(response, frames, cancellationToken);
                }
            }

            await FlushAsync(response, frames, cancellationToken);
        }
    }

    private static void Write(System.Buffers.ArrayBufferWriter<byte> frames, LiveBatch batch, LiveFilter? filter)
    {
        foreach (var e in batch.Events)
        {
            if (filter is null || filter.Matches(batch.Account, e))
            {
                LiveFrames.Event(frames, batch.Account, e);
            }
        }

        if (batch.OmittedEvents > 0)
        {
            LiveFrames.Omitted(frames, batch.Account, batch.OmittedEvents);
        }

        foreach (var alert in batch.Alerts)
        {
            if (filter is null || filter.Matches(batch.Account, alert))
            {
                LiveFrames.Alert(frames, batch.Account, alert);
            }
        }
    }

    private static async Task FlushAsync(HttpResponse response, System.Buffers.ArrayBufferWriter<byte> frames, CancellationToken cancellationToken)
    {
        if (frames.WrittenCount > 0)
        {
            await response.Body.WriteAsync(frames.WrittenMemory, cancellationToken);
            frames.ResetWrittenCount();
        }

        await response.Body.FlushAsync(cancellationToken);
    }

    // The writer stops at the next batch once dropped (what is still buffered is not sent); if its pending write
    // does not complete within the grace, the client is not reading at all and the connection is cut.
    private static async Task FinishDroppedAsync(HttpContext http, Task writing, int capacity, CancellationToken cancellationToken)
    {
        try
        {
            await writing;
            var frames = new System.Buffers.ArrayBufferWriter<byte>(256);
            LiveFrames.Dropped(frames, capacity);
            await FlushAsync(http.Response, frames, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            http.Abort();
        }
    }

    private async Task RenewWhileServedAsync(ILiveWatchersGrain registry, LiveFeed feed, Guid subscriber, TimeSpan lease, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.Value.HeartbeatInterval, time, cancellationToken);
                await RenewAsync(registry, feed, subscriber, lease);
            }
        }
        catch (OperationCanceledException)
        {
            // The feed ended or its subscriber was dropped: the lease is let go (or runs out) on its own.
        }
    }

    private async Task RenewAsync(ILiveWatchersGrain registry, LiveFeed feed, Guid subscriber, TimeSpan lease)
    {
        try
        {
            watches.Apply(await registry.WatchAsync(feed.WatchKey, subscriber, lease));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The registry's silo leaving: the lease outlives several heartbeats, the next one renews.
            LogRenewFailed(logger, feed.WatchKey, e);
        }
    }

    private async Task LetGoAsync(ILiveWatchersGrain registry, StreamSubscriptionHandle<LiveDelivery> handle, Guid subscriber)
    {
        try
        {
            await handle.UnsubscribeAsync();
            watches.Apply(await registry.UnwatchAsync(subscriber));
        }
        catch (Exception e)
        {
            // The lease runs out on its own; a stale pub-sub entry only costs a delivery to nobody.
            LogUnsubscribeFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live feed of {Kind} {Workspace}/{Id} opened")]
    private static partial void LogSubscribed(ILogger logger, string kind, string workspace, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live feed of {Kind} {Workspace}/{Id} dropped: the subscriber fell {Capacity} batches behind")]
    private static partial void LogDropped(ILogger logger, string kind, string workspace, string id, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live feed of {Kind} {Workspace}/{Id} ended: its stream was completed")]
    private static partial void LogStreamEnded(ILogger logger, string kind, string workspace, string id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Renewing the watch of live feed {WatchKey} failed")]
    private static partial void LogRenewFailed(ILogger logger, string watchKey, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ending a live feed's subscription failed")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception);
}
