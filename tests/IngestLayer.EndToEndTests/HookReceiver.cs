using IngestLayer.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// A webhook receiver on a real Kestrel server over loopback. It records every request as it came (raw body bytes,
/// Standard Webhooks headers, arrival time) and answers 200, or the next scripted status. Signatures are verified
/// by the test with <see cref="StandardWebhookVerifier"/> once it knows the secret (the create response shows it).
/// </summary>
internal sealed class HookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<Received> _received = [];
    private readonly Queue<int> _script = new();

    private HookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        foreach (var file in builder.Configuration.Sources.OfType<FileConfigurationSource>().ToList())
        {
            builder.Configuration.Sources.Remove(file);
        }

        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Map("/{**path}", ReceiveAsync);
    }

    /// <summary>One request as it arrived.</summary>
    public sealed record Received(string Path, string WebhookId, string Timestamp, string Signature, byte[] Body, DateTimeOffset At, int Answered)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);

        public WebhookVerification Verify(string secret) =>
            new StandardWebhookVerifier(StandardWebhookSecret.Parse(secret)).Verify(WebhookId, Timestamp, Signature, Body, DateTimeOffset.UtcNow);
    }

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<Received> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public static async Task<HookReceiver> StartAsync()
    {
        var receiver = new HookReceiver();
        await receiver._app.StartAsync();
        receiver.BaseUrl = receiver._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return receiver;
    }

    /// <summary>The next request is answered <paramref name="status"/>.</summary>
    public void RespondNext(int status)
    {
        lock (_gate)
        {
            _script.Enqueue(status);
        }
    }

    /// <summary>Waits until <paramref name="count"/> requests have arrived, failing with what did.</summary>
    public Task<IReadOnlyList<Received>> WaitForAsync(int count, TimeSpan? timeout = null) =>
        Api.EventuallyAsync(() => Task.FromResult(Requests is { } all && all.Count >= count ? all : null), $"{count} webhook request(s) at the receiver", timeout);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var headers = context.Request.Headers;
        int status;
        lock (_gate)
        {
            status = _script.TryDequeue(out var scripted) ? scripted : StatusCodes.Status200OK;
            _received.Add(new Received(
                context.Request.Path,
                headers[StandardWebhookHeaders.Id].ToString(),
                headers[StandardWebhookHeaders.Timestamp].ToString(),
                headers[StandardWebhookHeaders.Signature].ToString(),
                buffer.ToArray(),
                DateTimeOffset.UtcNow,
                status));
        }

        context.Response.StatusCode = status;
    }
}
