using System.Collections.Concurrent;
using IngestLayer.Client;

namespace IngestLayer.ClientTests;

/// <summary>Clients pointed at a test server, with errors collected and retry delays short enough for tests.</summary>
internal static class TestClients
{
    public const string WriteKey = "wk_client_test_0123456789";

    public static IngestLayerClientOptions Options(Uri host, Action<IngestLayerClientOptions>? configure = null, ConcurrentQueue<IngestLayerError>? errors = null)
    {
        var options = new IngestLayerClientOptions
        {
            WriteKey = WriteKey,
            Host = host,
            FlushInterval = TimeSpan.FromHours(1), // tests flush explicitly unless they test the interval
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            MaxRetries = 3,
            OnError = errors is null ? null : errors.Enqueue,
        };
        configure?.Invoke(options);
        return options;
    }

    public static IngestLayerClient Create(FakeIngestServer server, ConcurrentQueue<IngestLayerError> errors, Action<IngestLayerClientOptions>? configure = null, TimeProvider? time = null) =>
        new(Options(server.Url, configure, errors), time ?? TimeProvider.System);

    /// <summary>Polls <paramref name="condition"/> until it holds, or fails saying what was awaited.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string awaited)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after 10s waiting for {awaited}.");
            }

            await Task.Delay(10);
        }
    }

    public static object Feature(string feature) => new { feature, count = 1, plan = "free" };
}
