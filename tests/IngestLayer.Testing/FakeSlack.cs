using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IngestLayer.Testing;

/// <summary>
/// A fake Slack Web API on a real Kestrel server over loopback: <c>chat.postMessage</c> (replies too, with
/// <c>thread_ts</c>), <c>chat.update</c> and <c>auth.test</c> with Slack's authentication, channel and error behaviour,
/// its message limits (Block Kit counts and lengths: <c>invalid_blocks</c>, <c>msg_blocks_too_long</c>), scripted faults
/// (429 with <c>Retry-After</c>, 5xx, <c>ok:false</c>; for any call or for one channel), and a thread-safe record of
/// every call and every accepted message; the OAuth v2 install (<see cref="Authorize"/>, <c>oauth.v2.access</c> with
/// token rotation) and <c>conversations.list</c>/<c>.join</c> in the partial files next to this one.
/// </summary>
public sealed partial class FakeSlack : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeSlackOptions _options;
    private readonly Lock _gate = new();
    private readonly List<FakeSlackMessage> _messages = [];
    private readonly List<FakeSlackCall> _calls = [];
    private readonly List<FakeSlackUpdate> _updates = [];
    private readonly Queue<Fault> _faults = new();
    private readonly Dictionary<string, Queue<Fault>> _channelFaults = new(StringComparer.Ordinal);

    // Channel name (without '#') or id → id; and the ids whose channel the bot is not in.
    private readonly Dictionary<string, string> _channelIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _channelsWithoutBot = new(StringComparer.Ordinal);
    private readonly HashSet<string> _privateChannels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _channelNames = new(StringComparer.Ordinal);

    // Every token the fake accepts or once accepted: the configured bot token and those issued by oauth.v2.access.
    private readonly Dictionary<string, FakeSlackToken> _tokens = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastTs;

    private FakeSlack(FakeSlackOptions options)
    {
        _options = options;
        foreach (var channel in options.Channels)
        {
            AddChannel(channel);
        }

        foreach (var channel in options.ChannelsWithoutBot)
        {
            AddChannel(channel, botIsMember: false);
        }

        foreach (var channel in options.PrivateChannels)
        {
            AddChannel(channel, botIsMember: false, isPrivate: true);
        }

        _tokens[options.BotToken] = new FakeSlackToken(Scopes(options.BotTokenScopes), ExpiresAt: null);

        var builder = WebApplication.CreateSlimBuilder();

        // A test's output folder often holds a web project's appsettings.json (a ProjectReference copies it);
        // its Kestrel or URL settings must not move the fake onto the real host's port.
        foreach (var file in builder.Configuration.Sources.OfType<FileConfigurationSource>().ToList())
        {
            builder.Configuration.Sources.Remove(file);
        }

        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/api/chat.postMessage", PostMessageAsync);
        _app.MapPost("/api/chat.update", UpdateMessageAsync);
        _app.MapMethods("/api/auth.test", [HttpMethods.Get, HttpMethods.Post], AuthTestAsync);
        _app.MapPost("/api/oauth.v2.access", OAuthAccessAsync);
        _app.MapMethods("/api/conversations.list", [HttpMethods.Get, HttpMethods.Post], ConversationsListAsync);
        _app.MapPost("/api/conversations.join", ConversationsJoinAsync);
        _app.Map("/api/{method}", UnknownMethodAsync);
    }

    /// <summary>The Web API root, e.g. <c>http://127.0.0.1:54321/api/</c>; use it as <c>Slack:ApiBaseUrl</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The configured bot token (tokens issued by <c>oauth.v2.access</c> are accepted too).</summary>
    public string BotToken => _options.BotToken;

    /// <summary>Every accepted message, in the order received.</summary>
    public IReadOnlyList<FakeSlackMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Every accepted <c>chat.update</c>, in the order received.</summary>
    public IReadOnlyList<FakeSlackUpdate> Updates
    {
        get
        {
            lock (_gate)
            {
                return [.. _updates];
            }
        }
    }

    /// <summary>Every request, rejected ones included, in the order received.</summary>
    public IReadOnlyList<FakeSlackCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Starts a fake Slack on a free loopback port.</summary>
    public static async Task<FakeSlack> StartAsync(Action<FakeSlackOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new FakeSlackOptions();
        configure?.Invoke(options);
        var slack = new FakeSlack(options);
        await slack._app.StartAsync(cancellationToken);
        var address = slack._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        slack.BaseUrl = address.TrimEnd('/') + "/api/";
        return slack;
    }

    /// <summary>
    /// Makes a channel known; with <paramref name="botIsMember"/> false, posting to it answers <c>not_in_channel</c>
    /// (unless the token has <c>chat:write.public</c> and the channel is public) until the bot joins it.
    /// A private channel cannot be joined (<c>method_not_supported_for_channel_type</c>).
    /// </summary>
    public void AddChannel(string name, bool botIsMember = true, bool isPrivate = false)
    {
        lock (_gate)
        {
            var key = Normalize(name);
            if (!_channelIds.TryGetValue(key, out var id))
            {
                id = (isPrivate ? "G" : "C") + (_channelNames.Count + 1).ToString("D10", CultureInfo.InvariantCulture);
                _channelIds[key] = id;
                _channelIds[id] = id;
                _channelNames[id] = key;
            }

            if (isPrivate)
            {
                _privateChannels.Add(id);
            }

            if (botIsMember)
            {
                _channelsWithoutBot.Remove(id);
            }
            else
            {
                _channelsWithoutBot.Add(id);
            }
        }
    }

    /// <summary>The id Slack answers with for a known channel name.</summary>
    public string ChannelId(string name)
    {
        lock (_gate)
        {
            return _channelIds.TryGetValue(Normalize(name), out var id)
                ? id
                : throw new ArgumentException($"The fake Slack does not know the channel '{name}'.", nameof(name));
        }
    }

    /// <summary>The next <paramref name="calls"/> <c>chat.postMessage</c> calls answer HTTP 429 with <c>Retry-After: <paramref name="retryAfterSeconds"/></c>.</summary>
    public void RateLimitNext(int calls, int retryAfterSeconds) => Script(calls, new Fault(429, RetryAfterSeconds: retryAfterSeconds));

    /// <summary>The next <paramref name="calls"/> <c>chat.postMessage</c> calls answer HTTP <paramref name="statusCode"/> (an outage).</summary>
    public void ServerErrorNext(int calls, int statusCode = 503) => Script(calls, new Fault(statusCode));

    /// <summary>The next <paramref name="calls"/> <c>chat.postMessage</c> calls answer HTTP 200 <c>{"ok":false,"error":…}</c>.</summary>
    public void SlackErrorNext(int calls, string error) => Script(calls, new Fault(200, Error: error));

    /// <summary>
    /// The next <paramref name="calls"/> <c>chat.postMessage</c> calls to <paramref name="channel"/> (and only to it) answer
    /// HTTP 429 with <c>Retry-After: <paramref name="retryAfterSeconds"/></c>, as Slack limits each channel on its own.
    /// </summary>
    public void RateLimitChannelNext(string channel, int calls, int retryAfterSeconds) =>
        Script(calls, new Fault(429, RetryAfterSeconds: retryAfterSeconds), channel);

    /// <summary>The next <paramref name="calls"/> <c>chat.postMessage</c> calls to <paramref name="channel"/> answer <c>{"ok":false,"error":…}</c>.</summary>
    public void SlackErrorChannelNext(string channel, int calls, string error) => Script(calls, new Fault(200, Error: error), channel);

    /// <summary>Completes once at least <paramref name="count"/> messages were accepted; returns them all.</summary>
    /// <exception cref="TimeoutException">Fewer arrived within <paramref name="timeout"/>; the message lists the calls seen.</exception>
    public Task<IReadOnlyList<FakeSlackMessage>> WaitForMessagesAsync(int count, TimeSpan timeout) =>
        WaitForAsync(() => _messages, count, timeout, "accepted message(s)");

    /// <summary>Completes once at least <paramref name="count"/> <c>chat.update</c>s were accepted; returns them all.</summary>
    /// <exception cref="TimeoutException">Fewer arrived within <paramref name="timeout"/>.</exception>
    public Task<IReadOnlyList<FakeSlackUpdate>> WaitForUpdatesAsync(int count, TimeSpan timeout) =>
        WaitForAsync(() => _updates, count, timeout, "accepted chat.update(s)");

    /// <summary>Completes once at least <paramref name="count"/> requests arrived, accepted or not; returns them all.</summary>
    /// <exception cref="TimeoutException">Fewer arrived within <paramref name="timeout"/>.</exception>
    public Task<IReadOnlyList<FakeSlackCall>> WaitForCallsAsync(int count, TimeSpan timeout) =>
        WaitForAsync(() => _calls, count, timeout, "call(s)");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task PostMessageAsync(HttpContext context)
    {
        var token = BearerToken(context.Request);
        var contentType = context.Request.ContentType;
        var args = await ReadArgumentsAsync(context.Request);
        var channel = args?.Channel;

        Fault? fault;
        lock (_gate)
        {
            // A fault scripted for this channel first, then one for any call.
            if (!(channel is not null && _channelFaults.TryGetValue(Normalize(channel), out var scripted) && scripted.TryDequeue(out fault)))
            {
                _faults.TryDequeue(out fault);
            }
        }

        if (fault is { StatusCode: not 200 })
        {
            if (fault.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            Record(Call(context, token, channel, fault.StatusCode, null));
            context.Response.StatusCode = fault.StatusCode;
            await context.Response.WriteAsync(fault.StatusCode == 429 ? "" : "upstream connect error");
            return;
        }

        var error = fault?.Error
            ?? AuthError(token)
            ?? (args is null ? "invalid_json" : null)
            ?? ChannelError(channel, token!)
            ?? (args!.Text is null && args.Blocks is null ? "no_text" : null)
            ?? LimitError(args);
        if (error is not null)
        {
            Record(Call(context, token, channel, 200, error));
            await WriteJsonAsync(context, new JsonObject { ["ok"] = false, ["error"] = error });
            return;
        }

        var channelId = ChannelId(channel!);
        var response = new JsonObject { ["ok"] = true, ["channel"] = channelId };
        lock (_gate)
        {
            var ts = NextTs();
            response["ts"] = ts;
            _messages.Add(new FakeSlackMessage(channel!, channelId, args!.Text, args.Blocks, args.ThreadTs, ts, DateTimeOffset.UtcNow));
            _calls.Add(Call(context, token, channel, 200, null));
            Changed();
        }

        // Like Slack: a JSON body without a charset is accepted with a warning.
        if (contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !contentType.Contains("charset", StringComparison.OrdinalIgnoreCase))
        {
            response["warning"] = "missing_charset";
            response["response_metadata"] = new JsonObject { ["warnings"] = new JsonArray("missing_charset") };
        }

        await WriteJsonAsync(context, response);
    }

    // Like Slack: the bot may only update a message it posted, named by its channel and ts.
    private async Task UpdateMessageAsync(HttpContext context)
    {
        var token = BearerToken(context.Request);
        var args = await ReadArgumentsAsync(context.Request);
        var channel = args?.Channel;
        var error = AuthError(token)
            ?? (args is null ? "invalid_json" : null)
            ?? ChannelError(channel, token!)
            ?? (args!.Ts is null ? "message_not_found" : null)
            ?? (args.Text is null && args.Blocks is null ? "no_text" : null);
        lock (_gate)
        {
            if (error is null && !_messages.Any(m => m.ChannelId == ChannelIdUnlocked(channel!) && m.Ts == args!.Ts))
            {
                error = "message_not_found";
            }

            if (error is null)
            {
                _updates.Add(new FakeSlackUpdate(ChannelIdUnlocked(channel!), args!.Ts!, args.Text, args.Blocks, DateTimeOffset.UtcNow));
            }

            _calls.Add(Call(context, token, channel, 200, error));
            Changed();
        }

        await WriteJsonAsync(context, error is not null
            ? new JsonObject { ["ok"] = false, ["error"] = error }
            : new JsonObject { ["ok"] = true, ["channel"] = ChannelId(channel!), ["ts"] = args!.Ts, ["text"] = args.Text });
    }

    private string ChannelIdUnlocked(string channel) => _channelIds[Normalize(channel)];

    private async Task AuthTestAsync(HttpContext context)
    {
        var token = BearerToken(context.Request);
        var error = AuthError(token);
        Record(Call(context, token, null, 200, error));
        await WriteJsonAsync(context, error is not null
            ? new JsonObject { ["ok"] = false, ["error"] = error }
            : new JsonObject
            {
                ["ok"] = true,
                ["url"] = "https://fake-slack.example/",
                ["team"] = _options.Team,
                ["user"] = _options.BotUser,
                ["team_id"] = _options.TeamId,
                ["user_id"] = _options.BotUserId,
                ["bot_id"] = "B0FAKEBOT",
            });
    }

    private async Task UnknownMethodAsync(HttpContext context)
    {
        Record(Call(context, BearerToken(context.Request), null, 404, "unknown_method"));
        context.Response.StatusCode = 404;
        await WriteJsonAsync(context, new JsonObject { ["ok"] = false, ["error"] = "unknown_method" });
    }

    // Slack's answers for a token that is missing, unknown, revoked (token_revoked) or past its expiry (token_expired).
    private string? AuthError(string? token)
    {
        if (token is null)
        {
            return "not_authed";
        }

        lock (_gate)
        {
            return !_tokens.TryGetValue(token, out var known) ? "invalid_auth"
                : known.Revoked ? "token_revoked"
                : known.ExpiresAt is { } expiresAt && expiresAt <= DateTimeOffset.UtcNow ? "token_expired"
                : null;
        }
    }

    private string? ChannelError(string? channel, string token)
    {
        if (string.IsNullOrWhiteSpace(channel))
        {
            return "channel_not_found";
        }

        lock (_gate)
        {
            if (!_channelIds.TryGetValue(Normalize(channel), out var id))
            {
                return "channel_not_found";
            }

            // chat:write.public lets a bot post to public channels it is not in, as on Slack.
            var mayPostUninvited = !_privateChannels.Contains(id) && _tokens[token].Scopes.Contains("chat:write.public");
            return _channelsWithoutBot.Contains(id) && !mayPostUninvited ? "not_in_channel" : null;
        }
    }

    // Slack's message limits: what Slack refuses, refused alike, so a test sees a message that would not be posted.
    private static string? LimitError(PostMessageArguments args)
    {
        if (args.Text is { Length: > 40_000 })
        {
            return "msg_too_long";
        }

        if (args.Blocks is not { ValueKind: JsonValueKind.Array } blocks)
        {
            return null;
        }

        if (blocks.GetArrayLength() > 50)
        {
            return "invalid_blocks";
        }

        var total = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var type = block.TryGetProperty("type", out var t) ? t.GetString() : null;
            var text = block.TryGetProperty("text", out var x) && x.ValueKind == JsonValueKind.Object ? x.GetProperty("text").GetString() ?? "" : null;
            var fields = block.TryGetProperty("fields", out var f) ? f.EnumerateArray().Select(e => e.GetProperty("text").GetString() ?? "").ToList() : [];
            // A context's elements are text objects (or images); an actions block's are buttons, whose text Slack limits apart.
            var elements = type == "context" && block.TryGetProperty("elements", out var e)
                ? e.EnumerateArray().Select(el => el.TryGetProperty("text", out var et) && et.ValueKind == JsonValueKind.String ? et.GetString() ?? "" : "").ToList()
                : [];
            var tooLong = type switch
            {
                "header" => text is null || text.Length > 150 || x.GetProperty("type").GetString() != "plain_text",
                "section" => text?.Length > 3000 || fields.Count > 10 || fields.Any(v => v.Length > 2000) || (text is null && fields.Count == 0),
                "context" => elements.Count is 0 or > 10 || elements.Any(v => v.Length > 3000),
                _ => false,
            };
            if (tooLong)
            {
                return "invalid_blocks";
            }

            total += (text?.Length ?? 0) + fields.Sum(v => v.Length) + elements.Sum(v => v.Length);
        }

        // Slack documents no number; posts fail from about 13,000 characters of block text.
        return total > 13_000 ? "msg_blocks_too_long" : null;
    }

    private static string? BearerToken(HttpRequest request) =>
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
        && string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            ? header.Parameter
            : null;

    // Slack takes arguments as JSON or as a form; null means the body could not be read as either.
    private static async Task<PostMessageArguments?> ReadArgumentsAsync(HttpRequest request)
    {
        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync();
                var blocks = form["blocks"].ToString();
                return new PostMessageArguments(
                    NullIfEmpty(form["channel"].ToString()),
                    NullIfEmpty(form["text"].ToString()),
                    blocks.Length > 0 ? JsonDocument.Parse(blocks).RootElement.Clone() : null,
                    NullIfEmpty(form["thread_ts"].ToString()),
                    NullIfEmpty(form["ts"].ToString()));
            }

            using var body = await JsonDocument.ParseAsync(request.Body);
            var root = body.RootElement;
            return new PostMessageArguments(
                Argument(root, "channel"),
                Argument(root, "text"),
                root.TryGetProperty("blocks", out var b) && b.ValueKind == JsonValueKind.Array ? b.Clone() : null,
                Argument(root, "thread_ts"),
                Argument(root, "ts"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Argument(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? NullIfEmpty(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText())
            : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Normalize(string channel) => channel.Trim().TrimStart('#');

    private static FakeSlackCall Call(HttpContext context, string? token, string? channel, int status, string? error) =>
        new(context.Request.Path.Value!["/api/".Length..], DateTimeOffset.UtcNow, token, context.Request.ContentType, channel, status, error);

    private static Task WriteJsonAsync(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    // Slack's ts is "seconds.microseconds", unique per channel; these increase by 100 µs per message.
    private string NextTs()
    {
        _lastTs = _lastTs == 0 ? 1_700_000_000_000_100 : _lastTs + 100;
        return $"{_lastTs / 1_000_000}.{_lastTs % 1_000_000:D6}";
    }

    private void Script(int calls, Fault fault, string? channel = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(calls);
        lock (_gate)
        {
            var queue = _faults;
            if (channel is not null && !_channelFaults.TryGetValue(Normalize(channel), out queue))
            {
                _channelFaults[Normalize(channel)] = queue = new Queue<Fault>();
            }

            for (var i = 0; i < calls; i++)
            {
                queue.Enqueue(fault);
            }
        }
    }

    private void Record(FakeSlackCall call)
    {
        lock (_gate)
        {
            _calls.Add(call);
            Changed();
        }
    }

    // Wakes every waiter; called under the lock.
    private void Changed()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    private async Task<IReadOnlyList<T>> WaitForAsync<T>(Func<List<T>> items, int count, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (items().Count >= count)
                {
                    return [.. items()];
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"Waited {timeout.TotalSeconds:0.###}s for {count} {what} at the fake Slack, got {Count(items)}. Calls: {Describe(Calls)}");
            }
        }
    }

    private int Count<T>(Func<List<T>> items)
    {
        lock (_gate)
        {
            return items().Count;
        }
    }

    private static string Describe(IReadOnlyList<FakeSlackCall> calls) =>
        calls.Count == 0
            ? "none"
            : string.Join("; ", calls.Select(c => $"{c.Method} {c.Channel ?? "-"} → {c.StatusCode}{(c.Error is null ? "" : " " + c.Error)}"));

    private sealed record Fault(int StatusCode, int? RetryAfterSeconds = null, string? Error = null);

    private sealed record PostMessageArguments(string? Channel, string? Text, JsonElement? Blocks, string? ThreadTs, string? Ts);
}
