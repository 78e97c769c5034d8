namespace IngestLayer.Client;

/// <summary>
/// Settings of an <see cref="IngestLayerClient"/>. Only <see cref="WriteKey"/> and <see cref="Host"/> are required;
/// checked by <see cref="IngestLayerClientOptionsValidator"/> (at start-up with DI, in the constructor without).
/// </summary>
public sealed class IngestLayerClientOptions
{
    /// <summary>The source's write key (<c>IngestLayer:Sources:&lt;name&gt;:WriteKey</c> on the service), sent as a Bearer token.</summary>
    public string WriteKey { get; set; } = "";

    /// <summary>The service root, e.g. <c>http://127.0.0.1:5080</c>; events go to <c>{Host}/v1/events</c>.</summary>
    public Uri? Host { get; set; }

    /// <summary>Events per request: a batch is sent as soon as it holds this many (1–10,000).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>A batch that is not full is sent this long after its first event was taken from the queue.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Events waiting to be sent, beyond the batch in flight; see <see cref="Overflow"/> for what happens past it.</summary>
    public int MaxQueueSize { get; set; } = 10_000;

    /// <summary>What to do with an event that finds the queue full.</summary>
    public OverflowPolicy Overflow { get; set; } = OverflowPolicy.DropNewest;

    /// <summary>Retries of one request after a network error, a timeout, 408, 429 or 5xx (0–20). Other answers are never retried.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>First backoff delay; it doubles per retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait before a retry, whether backoff or a <c>Retry-After</c> header asked for more.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may take before it is abandoned (and retried).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <c>DisposeAsync</c> waits for the queue to drain before it gives up and reports the rest as dropped.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The service's request body limit (500 KB): batches are cut to stay under it.</summary>
    public int MaxBatchBytes { get; set; } = 500_000;

    /// <summary>The service's event limit (32 KB): a bigger event is refused at enqueue, never sent.</summary>
    public int MaxEventBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// Called with every failure (dropped, rejected, undeliverable events), on the client's background loop:
    /// keep it quick. Exceptions it throws are logged and ignored. Without it, failures are only logged.
    /// </summary>
    public Action<IngestLayerError>? OnError { get; set; }
}
