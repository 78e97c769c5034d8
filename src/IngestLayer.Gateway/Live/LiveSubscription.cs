using System.Threading.Channels;
using IngestLayer.Contracts.Live;
using Orleans.Streams;

namespace IngestLayer.Gateway.Live;

/// <summary>
/// One subscriber's end of a live stream: the stream delivers into a bounded buffer and never waits. When the buffer
/// is full the subscriber is dropped (<see cref="Dropped"/>), so a slow reader cannot hold up delivery to others.
/// </summary>
internal sealed class LiveSubscription(int capacity) : IAsyncObserver<LiveBatch>
{
    private readonly Channel<LiveBatch> _buffer = Channel.CreateBounded<LiveBatch>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // only TryWrite is used: never waits, says "full" instead
    });

    private readonly TaskCompletionSource _dropped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChannelReader<LiveBatch> Reader => _buffer.Reader;

    /// <summary>Completes when the subscriber has been dropped for falling behind.</summary>
    public Task Dropped => _dropped.Task;

    public bool IsDropped => _dropped.Task.IsCompleted;

    public Task OnNextAsync(LiveBatch item, StreamSequenceToken? token = null)
    {
        if (!_buffer.Writer.TryWrite(item) && _dropped.TrySetResult())
        {
            _buffer.Writer.TryComplete();
        }

        return Task.CompletedTask;
    }

    public Task OnCompletedAsync()
    {
        _buffer.Writer.TryComplete();
        return Task.CompletedTask;
    }

    public Task OnErrorAsync(Exception ex)
    {
        _buffer.Writer.TryComplete(ex);
        return Task.CompletedTask;
    }
}
