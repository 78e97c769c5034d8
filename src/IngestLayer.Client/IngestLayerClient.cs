using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;

namespace IngestLayer.Client;

/// <summary>
/// Sends events to IngestLayer's <c>POST /v1/events</c>. Tracking only enqueues: a background loop sends
/// batches of <see cref="IngestLayerClientOptions.BatchSize"/> events, or whatever it holds
/// <see cref="IngestLayerClientOptions.FlushInterval"/> after a batch's first event, one request at a time.
/// Each event gets its message id when it is enqueued, so retries (network errors, 429, 5xx, honouring
/// <c>Retry-After</c>) never count an event twice. <see cref="DisposeAsync"/> sends what is queued.
/// Thread-safe; create one per process (DI: <c>services.AddIngestLayerClient(...)</c>).
/// </summary>
public sealed partial class IngestLayerClient : IAsyncDisposable, IDisposable
{
    private readonly IngestLayerClientOptions _options;
    private readonly BatchSender _sender;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient? _ownedHttp;
    private readonly Channel<PendingEvent> _queue;
    private readonly CancellationTokenSource _stopping = new();
    // Guards the flush waiters and the wake signal together: the loop arms the signal only after seeing no
    // waiter under this lock, so a flush can never slip in between and go unnoticed. (A SemaphoreSlim wake lost
    // releases to waits already abandoned by a cancellation, and a flush then hung forever.)
    private readonly Lock _flushLock = new();
    private List<TaskCompletionSource> _flushWaiters = [];
    private TaskCompletionSource _flushRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private long _enqueued, _delivered, _dropped, _failed;
    private int _disposed;

    /// <summary>A client with its own HttpClient and retry pipeline, for use without dependency injection.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid (the message names each problem).</exception>
    public IngestLayerClient(IngestLayerClientOptions options, ILogger<IngestLayerClient>? logger = null)
        : this(options, TimeProvider.System, logger)
    {
    }

    /// <summary>As the public constructor, on a given clock (tests pass a fake one).</summary>
    internal IngestLayerClient(IngestLayerClientOptions options, TimeProvider time, ILogger? logger = null, HttpMessageHandler? primaryHandler = null)
        : this(CreateHttpClient(Validated(options), time, primaryHandler), options, time, logger, ownsHttp: true)
    {
    }

    /// <summary>The DI path: <paramref name="http"/> comes from IHttpClientFactory with the retry handler already in it.</summary>
    internal IngestLayerClient(HttpClient http, IngestLayerClientOptions options, TimeProvider time, ILogger? logger, bool ownsHttp)
    {
        _options = Validated(options);
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _ownedHttp = ownsHttp ? http : null;
        var eventsUri = new Uri(_options.Host!, "v1/events");
        var request = http.DefaultRequestHeaders;
        request.Authorization = new AuthenticationHeaderValue("Bearer", _options.WriteKey);
        request.UserAgent.TryParseAdd("IngestLayer.Client/1.0 (.NET)");
        _sender = new BatchSender(http, eventsUri);
        _queue = Channel.CreateBounded<PendingEvent>(new BoundedChannelOptions(_options.MaxQueueSize)
        {
            FullMode = BoundedChannelFullMode.Wait, // writers choose: TryWrite drops, WriteAsync waits
            SingleReader = true,
            SingleWriter = false,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Counters since the client was created.</summary>
    public IngestLayerClientStats Stats => new(
        Interlocked.Read(ref _enqueued), Interlocked.Read(ref _delivered), Interlocked.Read(ref _dropped), Interlocked.Read(ref _failed));

    /// <summary>
    /// Enqueues an event without waiting. Returns false when it was not queued (queue full, event too large,
    /// client disposed); the event is then reported to <see cref="IngestLayerClientOptions.OnError"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No event name, or neither a user id nor an anonymous id.</exception>
    public bool Track(IngestLayerEvent e)
    {
        if (Prepare(e) is not { } pending)
        {
            return false;
        }

        if (_queue.Writer.TryWrite(pending))
        {
            Interlocked.Increment(ref _enqueued);
            return true;
        }

        Drop(pending, Volatile.Read(ref _disposed) != 0 ? "the client is disposed" : $"the queue is full ({_options.MaxQueueSize} events)");
        return false;
    }

    /// <summary>Enqueues an event: <c>client.Track("feature.used", new { feature = "csv.export", count = 1 }, userId: "u1", accountId: "acme")</c>.</summary>
    public bool Track(string name, object? properties = null, string? userId = null, string? accountId = null, string? anonymousId = null, DateTimeOffset? timestamp = null) =>
        Track(new IngestLayerEvent(name) { Properties = properties, UserId = userId, AccountId = accountId, AnonymousId = anonymousId, Timestamp = timestamp });

    /// <summary>
    /// Enqueues an event; with <see cref="OverflowPolicy.Wait"/> it waits for room when the queue is full,
    /// otherwise it behaves as <see cref="Track(IngestLayerEvent)"/>. Completes once the event is queued, not sent
    /// (<see cref="FlushAsync"/> waits for sending).
    /// </summary>
    public async ValueTask<bool> IngestAsync(IngestLayerEvent e, CancellationToken cancellationToken = default)
    {
        if (_options.Overflow != OverflowPolicy.Wait)
        {
            return Track(e);
        }

        if (Prepare(e) is not { } pending)
        {
            return false;
        }

        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
            Interlocked.Increment(ref _enqueued);
            return true;
        }
        catch (ChannelClosedException)
        {
            Drop(pending, "the client is disposed");
            return false;
        }
    }

    /// <summary>
    /// Enqueues an event: <c>await client.IngestAsync("feature.used", new { feature = "csv.export", count = 1, plan }, userId: "u1", accountId: "acme")</c>.
    /// </summary>
    public ValueTask<bool> IngestAsync(string name, object? properties = null, string? userId = null, string? accountId = null,
        string? anonymousId = null, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default) =>
        IngestAsync(new IngestLayerEvent(name) { Properties = properties, UserId = userId, AccountId = accountId, AnonymousId = anonymousId, Timestamp = timestamp }, cancellationToken);

    /// <summary>
    /// Sends everything queued before the call, without waiting for the flush interval, and completes when each
    /// of those events was delivered or reported as failed. It never throws for delivery failures: those go to
    /// <see cref="IngestLayerClientOptions.OnError"/>.
    /// </summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_loop.IsCompleted)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_flushLock)
        {
            _flushWaiters.Add(done);
            _flushRequested.TrySetResult();
        }

        // A loop ending (dispose) between the check and the registration would never see this waiter: its end counts too.
        var flushed = Task.WhenAny(done.Task, _loop);
        return cancellationToken.CanBeCanceled ? flushed.WaitAsync(cancellationToken) : flushed;
    }

    /// <summary>
    /// Stops taking events and sends what is queued, waiting at most <see cref="IngestLayerClientOptions.ShutdownTimeout"/>;
    /// whatever is still unsent then is abandoned and reported as <see cref="IngestLayerErrorKind.DeliveryFailed"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Completing the queue also wakes the loop: its WaitToReadAsync ends.
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(_options.ShutdownTimeout, _time);
        }
        catch (TimeoutException)
        {
            LogShutdownTimeout(_logger, _options.ShutdownTimeout, Stats.Pending);
            await _stopping.CancelAsync();
            await _loop;
        }

        _stopping.Dispose();
        _ownedHttp?.Dispose();
    }

    /// <summary>Blocks until <see cref="DisposeAsync"/> completes: for containers and callers that can only dispose synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private PendingEvent? Prepare(IngestLayerEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentException.ThrowIfNullOrWhiteSpace(e.Event, "Event");
        if (string.IsNullOrEmpty(e.UserId) && string.IsNullOrEmpty(e.AnonymousId))
        {
            throw new ArgumentException("An event needs a UserId or an AnonymousId.", nameof(e));
        }

        // Identity and time are fixed here, once: a retried batch carries the same ids and the time of the action.
        var stamped = e with { MessageId = e.MessageId ?? Guid.CreateVersion7().ToString(), Timestamp = e.Timestamp ?? _time.GetUtcNow() };
        var json = EventJson.Render(stamped);
        if (json.Length > _options.MaxEventBytes)
        {
            Interlocked.Increment(ref _dropped);
            Report(new IngestLayerError(IngestLayerErrorKind.TooLarge, $"The event is {json.Length} bytes, over the {_options.MaxEventBytes}-byte limit; it was not queued.",
                [new FailedEvent(stamped, "properties", "too large")]));
            return null;
        }

        return new PendingEvent(stamped, json);
    }

    private void Drop(PendingEvent pending, string why)
    {
        Interlocked.Increment(ref _dropped);
        Report(new IngestLayerError(IngestLayerErrorKind.Dropped, $"The event was dropped: {why}.", [new FailedEvent(pending.Event, null, why)]));
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingEvent>(_options.BatchSize);
        var batchBytes = EventJson.BatchOverhead;
        var batchStarted = 0L;
        while (true)
        {
            if (_stopping.IsCancellationRequested)
            {
                AbandonRemaining(batch);
                CompleteFlushes(TakeFlushWaiters());
                return;
            }

            if (TakeFlushWaiters() is { } flushes)
            {
                // Everything queued at this moment goes now; events written meanwhile wait for their own turn,
                // so a flush under a steady stream of events (OverflowPolicy.Wait) still ends.
                for (var n = reader.Count; n > 0 && reader.TryRead(out var e); n--)
                {
                    await AddAsync(e);
                    if (batch.Count >= _options.BatchSize)
                    {
                        await SendAsync();
                    }
                }

                await SendAsync();
                CompleteFlushes(flushes);
                continue;
            }

            while (batch.Count < _options.BatchSize && reader.TryRead(out var e))
            {
                await AddAsync(e);
            }

            if (batch.Count >= _options.BatchSize)
            {
                await SendAsync();
                continue;
            }

            if (reader.Completion.IsCompleted)
            {
                await SendAsync();
                CompleteFlushes(TakeFlushWaiters());
                return;
            }

            var wait = batch.Count == 0 ? Timeout.InfiniteTimeSpan : _options.FlushInterval - _time.GetElapsedTime(batchStarted);
            if (batch.Count > 0 && wait <= TimeSpan.Zero)
            {
                await SendAsync();
                continue;
            }

            await WaitAsync(wait);
        }

        async Task AddAsync(PendingEvent e)
        {
            // Stay under the service's body limit: send what the batch holds before it would overflow.
            if (batch.Count > 0 && batchBytes + EventJson.BatchCost(e) > _options.MaxBatchBytes)
            {
                await SendAsync();
            }

            if (batch.Count == 0)
            {
                batchStarted = _time.GetTimestamp();
            }

            batch.Add(e);
            batchBytes += EventJson.BatchCost(e);
        }

        async Task SendAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            var outcome = await _sender.SendAsync(batch, _stopping.Token);
            Interlocked.Add(ref _delivered, outcome.Delivered);
            Interlocked.Add(ref _failed, batch.Count - outcome.Delivered);
            foreach (var error in outcome.Errors)
            {
                Report(error);
            }

            batch.Clear();
            batchBytes = EventJson.BatchOverhead;
        }
    }

    /// <summary>Waits for an event, a flush, the end of the queue, or the batch's interval (<paramref name="wait"/>), whichever comes first.</summary>
    private async Task WaitAsync(TimeSpan wait)
    {
        Task wake;
        lock (_flushLock)
        {
            if (_flushWaiters.Count > 0)
            {
                return;
            }

            if (_flushRequested.Task.IsCompleted)
            {
                _flushRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            wake = _flushRequested.Task;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var read = _queue.Reader.WaitToReadAsync(cancel.Token).AsTask();
        var interval = wait == Timeout.InfiniteTimeSpan ? Task.Delay(Timeout.Infinite, cancel.Token) : Task.Delay(wait, _time, cancel.Token);
        await Task.WhenAny(read, wake, interval);
        await cancel.CancelAsync();
    }

    private void AbandonRemaining(List<PendingEvent> batch)
    {
        while (_queue.Reader.TryRead(out var e))
        {
            batch.Add(e);
        }

        if (batch.Count > 0)
        {
            Interlocked.Add(ref _failed, batch.Count);
            const string why = "the client was disposed before the event was delivered (ShutdownTimeout)";
            Report(new IngestLayerError(IngestLayerErrorKind.DeliveryFailed, why, batch.Select(e => new FailedEvent(e.Event, null, why)).ToList()));
            batch.Clear();
        }
    }

    private List<TaskCompletionSource>? TakeFlushWaiters()
    {
        lock (_flushLock)
        {
            if (_flushWaiters.Count == 0)
            {
                return null;
            }

            var taken = _flushWaiters;
            _flushWaiters = [];
            return taken;
        }
    }

    private static void CompleteFlushes(List<TaskCompletionSource>? flushes)
    {
        foreach (var flush in flushes ?? [])
        {
            flush.TrySetResult();
        }
    }

    private void Report(IngestLayerError error)
    {
        LogFailure(_logger, error.Kind, error.Events.Count, error.Message);
        if (_options.OnError is not { } onError)
        {
            return;
        }

        try
        {
            onError(error);
        }
        catch (Exception ex)
        {
            // The callback is the application's code; a bug in it must not stop delivery.
            LogCallbackFailed(_logger, ex);
        }
    }

    private static IngestLayerClientOptions Validated(IngestLayerClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new IngestLayerClientOptionsValidator().Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(IngestLayerClientOptions), result.Failures) : options;
    }

    private static HttpClient CreateHttpClient(IngestLayerClientOptions options, TimeProvider time, HttpMessageHandler? primaryHandler)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        ClientRetryPolicy.Configure(pipeline, options, time);
        var handler = new ResilienceHandler(pipeline.Build())
        {
            InnerHandler = primaryHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
        };
        // Attempts are bounded by the pipeline's timeout; an HttpClient timeout would cut across the retries.
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "IngestLayer client: {Kind}, {Count} events: {Message}")]
    private static partial void LogFailure(ILogger logger, IngestLayerErrorKind kind, int count, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "IngestLayer client: the OnError callback threw")]
    private static partial void LogCallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IngestLayer client: the queue did not drain within {Timeout}; abandoning {Pending} events")]
    private static partial void LogShutdownTimeout(ILogger logger, TimeSpan timeout, long pending);
}
