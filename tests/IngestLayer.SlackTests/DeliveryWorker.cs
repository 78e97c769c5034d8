using IngestLayer.Slack;
using IngestLayer.Storage;
using IngestLayer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.SlackTests;

/// <summary>
/// An alert delivery worker built by hand over a given outbox, clock and (optionally) owner preferences, so the clock can be fake while the
/// HTTP retries keep real time; started on creation, stopped and disposed with its services.
/// </summary>
internal sealed class DeliveryWorker(AlertDeliveryService service, ServiceProvider services) : IAsyncDisposable
{
    /// <summary>What the worker recorded about each channel.</summary>
    public SlackChannelHealth Health => services.GetRequiredService<SlackChannelHealth>();

    public static async Task<DeliveryWorker> StartAsync(
        IAlertOutbox outbox, TimeProvider time, FakeSlack slack, LogCapture logs, Action<SlackOptions>? options = null,
        IOwnerPreferenceStore? preferences = null, ISlackThreadStore? threads = null)
    {
        var services = TestServices.Build(slack.BaseUrl, slack.BotToken, logs, s => s.Configure<SlackOptions>(o => options?.Invoke(o)));
        var service = new AlertDeliveryService(
            outbox,
            services.GetRequiredService<SlackPoster>(),
            services.GetRequiredService<AlertMessageRenderer>(),
            services.GetRequiredService<AlertDigestRenderer>(),
            preferences ?? services.GetRequiredService<IOwnerPreferenceStore>(),
            services.GetRequiredService<OwnerDigestRenderer>(),
            services.GetRequiredService<SlackChannelHealth>(),
            services.GetRequiredService<IOptionsMonitor<SlackOptions>>(),
            time,
            services.GetRequiredService<ILogger<AlertDeliveryService>>(),
            new AlertThreads(threads ?? services.GetRequiredService<ISlackThreadStore>(), time, services.GetRequiredService<ILogger<AlertThreads>>()));
        await service.StartAsync(CancellationToken.None);
        return new DeliveryWorker(service, services);
    }

    public async ValueTask DisposeAsync()
    {
        await service.StopAsync(CancellationToken.None);
        service.Dispose();
        await services.DisposeAsync();
    }
}
