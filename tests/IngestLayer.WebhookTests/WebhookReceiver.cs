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

namespace IngestLayer.WebhookTests;

/// <summary>
/// A webhook receiver on a real Kestrel server over loopback, doing what we tell receivers to do: it verifies every
/// request's signature with <see cref="StandardWebhookVerifier"/> against its own clock, records what it got, and
/// answers 200, or the next scripted answer (a status with headers, or no answer at all until the caller gives up).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StandardWebhookVerifier _verifier;
    private readonly Func<DateTimeOffset> _now;
    private readonly Lock _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly Queue<Func<HttpContext, Task>> _script = new();
    private readonly TaskCompletionSource _hanging = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(StandardWebhookVerifier verifier, Func<DateTimeOffset> now)
    {
        _verifier = verifier;
        _now = now;
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

    /// <summary>The receiver's root, e.g. <c>http://127.0.0.1:54321</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Completes when a request scripted with <see cref="HangNext"/> has arrived and is being held.</summary>
    public Task Hanging => _hanging.Task;

    public static async Task<WebhookReceiver> StartAsync(StandardWebhookVerifier verifier, Func<DateTimeOffset> now)
    {
        var receiver = new WebhookReceiver(verifier, now);
        await receiver._app.StartAsync();
        var addresses = receiver._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        receiver.BaseUrl = addresses.Addresses.Single();
        return receiver;
    }

    /// <summary>The next request is answered <paramref name="status"/>, with <paramref name="headers"/> set first.</summary>
    public void RespondNext(int status, Action<IHeaderDictionary>? headers = null) => Enqueue(context =>
    {
        context.Response.StatusCode = status;
        headers?.Invoke(context.Response.Headers);
        return Task.CompletedTask;
    });

    /// <summary>The next request gets no answer until the client gives up on it.</summary>
    public void HangNext() => Enqueue(async context =>
    {
        _hanging.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The sender gave up, which is what the test waits for.
        }
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Enqueue(Func<HttpContext, Task> answer)
    {
        lock (_gate)
        {
            _script.Enqueue(answer);
        }
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var headers = context.Request.Headers;
        var received = new ReceivedWebhook(
            context.Request.Method,
            context.Request.Path,
            context.Request.ContentType,
            headers.UserAgent.ToString(),
            headers.Cookie.Count == 0 ? null : headers.Cookie.ToString(),
            headers[StandardWebhookHeaders.Id].ToString(),
            headers[StandardWebhookHeaders.Timestamp].ToString(),
            headers[StandardWebhookHeaders.Signature].ToString(),
            body,
            _verifier.Verify(headers, body, _now()));

        Func<HttpContext, Task>? answer;
        lock (_gate)
        {
            _received.Add(received);
            _script.TryDequeue(out answer);
        }

        if (answer is null)
        {
            // A receiver that cannot verify a request refuses it, as the README tells receivers to.
            context.Response.StatusCode = received.Verification.IsVerified ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized;
            return;
        }

        await answer(context);
    }
}
