using System.Threading.Channels;
using IngestLayer.Contracts.Live;
using Orleans.Streams;

namespace IngestLayer.Gateway.Live;

/// <summary>
/// One subscriber's end of a live stream: deliveries are unpacked into a buffer of account batches, and the stream
/// never waits. A subscriber whose buffer already holds <c>capacity</c> batches when a delivery arrives is dropped
/// (<see cref="Dropped"/>), so a slow reader cannot hold up delivery to others.
/// </summary>
internal sealed class LiveSubscription(int capacity) : IAsyncObserver<LiveDelivery>
{
    // Unbounded as a channel, bounded by the count below: a delivery carries many batches, the limit is on batches.
    private readonly Channel<LiveBatch> _buffer = Channel.CreateUnbounded<LiveBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource _dropped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _buffered;
    private int _discarded;

    public ChannelReader<LiveBatch> Reader => _buffer.Reader;

    /// <summary>Completes when the subscriber has been dropped for falling behind.</summary>
    public Task Dropped => _dropped.Task;

    public bool IsDropped => _dropped.Task.IsCompleted;

    /// <summary>Call for each batch read from <see cref="Reader"/>: it no longer counts against the capacity.</summary>
    public void Taken() => Interlocked.Decrement(ref _buffered);

    /// <summary>Batches the publishing silos left out (their pending list for this feed was full) since the last call.</summary>
    public int TakeDiscarded() => Interlocked.Exchange(ref _discarded, 0);

    public Task OnNextAsync(LiveDelivery item, StreamSequenceToken? token = null)
    {
        if (IsDropped)
        {
            return Task.CompletedTask;
        }

        // Full before this delivery: the reader is behind. A delivery is not split (one can hold a whole flush
        // interval of a large book of business), so the buffer holds at most capacity plus one delivery.
        if (Volatile.Read(ref _buffered) >= capacity)
        {
            _dropped.TrySetResult();
            _buffer.Writer.TryComplete();
            return Task.CompletedTask;
        }

        Interlocked.Add(ref _buffered, item.Batches.Count);
        Interlocked.Add(ref _discarded, item.Discarded);
        foreach (var batch in item.Batches)
        {
            _buffer.Writer.TryWrite(batch);
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
