using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace IngestLayer.Testing;

/// <summary><c>conversations.list</c> (cursor pagination, as Slack) and <c>conversations.join</c>.</summary>
public sealed partial class FakeSlack
{
    /// <summary>Slack's default page size for <c>conversations.list</c>, and its maximum.</summary>
    public const int DefaultChannelPage = 100;
    public const int MaxChannelPage = 1000;

    private async Task ConversationsListAsync(HttpContext context)
    {
        var token = BearerToken(context.Request);
        var args = context.Request.HasFormContentType ? (IDictionary<string, string>)(await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString())
            : context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        var types = (args.TryGetValue("types", out var t) && t.Length > 0 ? t : "public_channel").Split(',', StringSplitOptions.TrimEntries);
        var limit = args.TryGetValue("limit", out var l) && int.TryParse(l, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, MaxChannelPage) : DefaultChannelPage;
        var offset = 0;
        JsonObject response;
        lock (_gate)
        {
            var error = AuthError(token) ?? (_tokens[token!].Scopes.Contains("channels:read") ? null : "missing_scope");
            if (error is null && args.TryGetValue("cursor", out var cursor) && cursor.Length > 0 && !TryReadCursor(cursor, out offset))
            {
                error = "invalid_cursor";
            }

            if (error is not null)
            {
                response = Error(error);
            }
            else
            {
                // Private channels show only where the bot is a member (a bot without groups:read sees no others).
                var visible = _channelNames
                    .Where(c => _privateChannels.Contains(c.Key)
                        ? types.Contains("private_channel") && !_channelsWithoutBot.Contains(c.Key)
                        : types.Contains("public_channel"))
                    .OrderBy(c => c.Key, StringComparer.Ordinal)
                    .ToList();
                var page = visible.Skip(offset).Take(limit).Select(c => (JsonNode)new JsonObject
                {
                    ["id"] = c.Key,
                    ["name"] = c.Value,
                    ["is_channel"] = true,
                    ["is_private"] = _privateChannels.Contains(c.Key),
                    ["is_member"] = !_channelsWithoutBot.Contains(c.Key),
                    ["is_archived"] = false,
                }).ToArray();
                var next = offset + limit < visible.Count ? WriteCursor(offset + limit) : "";
                response = new JsonObject
                {
                    ["ok"] = true,
                    ["channels"] = new JsonArray(page),
                    ["response_metadata"] = new JsonObject { ["next_cursor"] = next },
                };
            }

            _calls.Add(Call(context, token, null, 200, response["error"]?.GetValue<string>()));
            Changed();
        }

        await WriteJsonAsync(context, response);
    }

    private async Task ConversationsJoinAsync(HttpContext context)
    {
        var token = BearerToken(context.Request);
        string? channel;
        if (context.Request.HasFormContentType)
        {
            channel = NullIfEmpty((await context.Request.ReadFormAsync())["channel"].ToString());
        }
        else
        {
            try
            {
                using var body = await JsonDocument.ParseAsync(context.Request.Body);
                channel = Argument(body.RootElement, "channel");
            }
            catch (JsonException)
            {
                channel = null;
            }
        }

        JsonObject response;
        lock (_gate)
        {
            // Joining takes an id, as on Slack: a name is channel_not_found.
            var error = AuthError(token)
                ?? (_tokens[token!].Scopes.Contains("channels:join") ? null : "missing_scope")
                ?? (channel is null || !_channelNames.ContainsKey(channel) ? "channel_not_found" : null)
                ?? (_privateChannels.Contains(channel!) ? "method_not_supported_for_channel_type" : null);
            if (error is null)
            {
                _channelsWithoutBot.Remove(channel!);
                response = new JsonObject
                {
                    ["ok"] = true,
                    ["channel"] = new JsonObject { ["id"] = channel, ["name"] = _channelNames[channel!], ["is_member"] = true },
                };
            }
            else
            {
                response = Error(error);
            }

            _calls.Add(Call(context, token, channel, 200, error));
            Changed();
        }

        await WriteJsonAsync(context, response);
    }

    // Opaque to clients, as Slack's are.
    private static string WriteCursor(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static bool TryReadCursor(string cursor, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text["offset:".Length..], CultureInfo.InvariantCulture, out offset) && offset >= 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
