using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IngestLayer.ClientTests;

/// <summary>One request the fake server received: when (on a monotonic clock), with which key, which events.</summary>
public sealed record ReceivedRequest(TimeSpan At, string? Authorization, IReadOnlyList<JsonObject> Events)
{
    public IReadOnlyList<string> MessageIds => Events.Select(e => e["message_id"]!.GetValue<string>()).ToList();
}

/// <summary>What the fake answers a request with; a null body means the service's 200 counting every event accepted.</summary>
public sealed record FakeAnswer(int Status, string? Body = null, string? RetryAfter = null)
{
    public static FakeAnswer Ok { get; } = new(200);
}

/// <summary>
/// A stand-in for <c>POST /v1/events</c> on a loopback Kestrel port that answers what the test scripts
/// (failures, Retry-After, rejections, a gate that holds requests) and records every request it gets.
/// </summary>
public sealed class FakeIngestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeIngestServer(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>Decides the answer to the n-th request (0-based) given its events; default: 200 for all.</summary>
    public Func<int, ReceivedRequest, FakeAnswer> Answer { get; set; } = (_, _) => FakeAnswer.Ok;

    /// <summary>When set, requests wait on it before they are answered (to hold the client's one batch in flight).</summary>
    public Task? Gate { get; set; }

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeIngestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeIngestServer(app);
        app.MapPost("/v1/events", server.HandleAsync);
        await app.StartAsync();
        server.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>Waits until the server has received <paramref name="count"/> requests, or fails saying so.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForRequestsAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Task arrived;
            lock (_lock)
            {
                if (_requests.Count >= count)
                {
                    return [.. _requests];
                }

                arrived = _arrived.Task;
            }

            var now = Stopwatch.GetTimestamp();
            if (now > deadline || await Task.WhenAny(arrived, Task.Delay(Stopwatch.GetElapsedTime(now, deadline))) != arrived)
            {
                throw new TimeoutException($"Timed out waiting for {count} requests to /v1/events; got {Requests.Count}.");
            }
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body);
        var events = body!["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var request = new ReceivedRequest(_clock.Elapsed, http.Request.Headers.Authorization, events);
        int n;
        lock (_lock)
        {
            n = _requests.Count;
            _requests.Add(request);
            _arrived.TrySetResult();
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (Gate is { } gate)
        {
            await gate;
        }

        var answer = Answer(n, request);
        http.Response.StatusCode = answer.Status;
        if (answer.RetryAfter is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = retryAfter;
        }

        http.Response.ContentType = answer.Status < 300 ? "application/json" : "application/problem+json";
        await http.Response.WriteAsync(answer.Body ?? JsonSerializer.Serialize(new { accepted = events.Count, duplicates = 0, rejected = Array.Empty<object>() }));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
