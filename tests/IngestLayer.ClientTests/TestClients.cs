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

    public static object Feature(string feature) => new { feature, count = 1, plan = "free" };
}
