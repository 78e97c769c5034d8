using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary>One server-sent event: its type and parsed data, or a comment line (<see cref="Type"/> <c>comment</c>).</summary>
internal sealed record SseFrame(string Type, JsonNode? Data, string Raw);

/// <summary>A live feed read over HTTP as a client would (<c>curl -N</c>): frame by frame, with explicit waits.</summary>
internal sealed class LiveFeedReader : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private LiveFeedReader(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        _http = http;
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Opens <paramref name="path"/> with the admin token; the answer's status and headers are in <see cref="Response"/>.</summary>
    public static async Task<LiveFeedReader> OpenAsync(HostFixture host, string path)
    {
        // A feed outlives any request timeout: each wait below has its own.
        var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = HostFixture.Bearer(HostFixture.AdminToken);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new LiveFeedReader(http, response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The next frame (events and comments), or a timeout naming what was awaited.</summary>
    public async Task<SseFrame> NextAsync(string awaited, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        string? type = null;
        string? data = null;
        try
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException($"The feed ended while waiting for {awaited}.");
                if (line.Length == 0)
                {
                    if (type is not null || data is not null)
                    {
                        return new SseFrame(type ?? "message", data is null ? null : JsonNode.Parse(data), data ?? "");
                    }

                    continue;
                }

                if (line.StartsWith(':'))
                {
                    return new SseFrame("comment", null, line[1..].Trim());
                }

                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = data is null ? line["data: ".Length..] : data + "\n" + line["data: ".Length..];
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds}s waiting for {awaited}.");
        }
    }

    /// <summary>Frames up to and including the first of type <paramref name="type"/> that satisfies <paramref name="match"/>.</summary>
    public async Task<List<SseFrame>> UntilAsync(string type, Func<JsonNode, bool> match, string awaited, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        var frames = new List<SseFrame>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var frame = await NextAsync(awaited, left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            frames.Add(frame);
            if (frame.Type == type && frame.Data is { } data && match(data))
            {
                return frames;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
        await Task.CompletedTask;
    }
}
