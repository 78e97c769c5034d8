using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IngestLayer.Contracts;

namespace IngestLayer.Pipelines.Runtime;

/// <summary>
/// Turns an event that passed a pipeline into one outbox entry per destination. Each entry's id is derived from the
/// workspace, pipeline, destination and the event's (source, message id), so an event replayed after a crash, or
/// delivered twice, is enqueued once — and a webhook receiver sees the same <c>webhook-id</c> on every retry.
/// </summary>
public static class PipelineDeliveries
{
    public const string Category = "pipeline";

    public static List<Alert> Build(CompiledPipeline pipeline, FilterContext context, string workspace, DateTimeOffset now)
    {
        var deliveries = new List<Alert>(pipeline.Destinations.Length);
        foreach (var destination in pipeline.Destinations)
        {
            deliveries.Add(Build(pipeline, destination, context, workspace, now));
        }

        return deliveries;
    }

    private static Alert Build(CompiledPipeline pipeline, CompiledDestination destination, FilterContext context, string workspace, DateTimeOffset now)
    {
        var e = context.Event;
        var account = context.Account;
        var d = destination.Definition;
        var alert = new Alert
        {
            AlertId = Id(workspace, pipeline.Id, d.Id, e),
            Workspace = workspace,
            AccountId = account?.Id ?? e.AccountId ?? "",
            AccountName = account?.Name,
            Signal = AlertSignals.Pipeline,
            Category = Category,
            Severity = RuleSeverities.Info,
            Title = pipeline.Title,
            Explanation = Summary(e, context.User, account),
            Plan = account?.Plan,
            Owner = account?.Owner,
            Subject = e.Name,
            Evidence = KeyFields(context),
            FiredAt = now,
            Rule = pipeline.Id,
            Destination = d.Type,
            DestinationId = d.Id,
        };

        if (d.Type == PipelineDestinationTypes.Webhook)
        {
            return alert with { WebhookUrl = d.Url, Body = destination.Payload?.Render(context) ?? DefaultBody(pipeline, context) };
        }

        var channel = destination.Channel is { } template ? template.Render(context).Trim() : d.Channel;
        return alert with
        {
            // A channel template that renders empty (no owner channel on this account) falls back to the default channel.
            Channel = string.IsNullOrEmpty(channel) ? null : channel,
            Text = destination.Text?.Render(context),
            ThrottlePerMinute = pipeline.Definition.ThrottlePerMinute,
        };
    }

    /// <summary>The one line of the default rendering: the event, who did it, where.</summary>
    public static string Summary(IngestEvent e, FilterUser? user, FilterAccount? account)
    {
        var who = user?.Email ?? user?.Name ?? e.UserId ?? e.AnonymousId;
        var where = account?.Name ?? account?.Id ?? e.AccountId;
        var text = new StringBuilder(e.Name);
        if (e.Feature is not null)
        {
            text.Append(" (").Append(e.Feature).Append(')');
        }

        if (who is not null)
        {
            text.Append(" by ").Append(who);
        }

        if (where is not null)
        {
            text.Append(" at ").Append(where);
        }

        return text.ToString();
    }

    private static IReadOnlyList<EvidenceItem> KeyFields(FilterContext context)
    {
        var e = context.Event;
        var fields = new List<EvidenceItem>(6);
        if (e.Feature is not null)
        {
            fields.Add(new("Feature", e.Feature));
        }

        if (context.User is { } user && (user.Email ?? user.Name) is { } who)
        {
            fields.Add(new("User", who));
        }
        else if (e.UserId is not null)
        {
            fields.Add(new("User", e.UserId));
        }

        foreach (var key in (ReadOnlySpan<string>)["url", "$current_url"])
        {
            if (context.PropertyText(key) is { Length: > 0 } url)
            {
                fields.Add(new("URL", url));
                break;
            }
        }

        fields.Add(new("When", e.Timestamp.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture)));
        return fields;
    }

    private static string DefaultBody(CompiledPipeline pipeline, FilterContext context)
    {
        var e = context.Event;
        var buffer = new ArrayBufferWriter<byte>(512 + e.Properties.Length);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "pipeline.event");
            json.WriteString("pipeline", pipeline.Id);
            json.WriteStartObject("event");
            json.WriteString("message_id", e.MessageId);
            json.WriteString("name", e.Name);
            json.WriteString("kind", e.Kind.ToString().ToLowerInvariant());
            json.WriteString("source", e.Source);
            json.WriteString("timestamp", e.Timestamp);
            json.WriteString("received_at", e.ReceivedAt);
            WriteOptional(json, "user_id", e.UserId);
            WriteOptional(json, "anonymous_id", e.AnonymousId);
            WriteOptional(json, "account_id", e.AccountId);
            WriteOptional(json, "feature", e.Feature);
            json.WritePropertyName("properties");
            json.WriteRawValue(e.Properties.Span, skipInputValidation: true);
            json.WriteEndObject();
            if (context.User is { } user)
            {
                json.WriteStartObject("user");
                WriteOptional(json, "id", user.Id ?? e.UserId);
                WriteOptional(json, "email", user.Email);
                WriteOptional(json, "name", user.Name);
                WriteTraits(json, user.Traits);
                json.WriteEndObject();
            }

            if (context.Account is { } account)
            {
                json.WriteStartObject("account");
                WriteOptional(json, "id", account.Id ?? e.AccountId);
                WriteOptional(json, "name", account.Name);
                WriteOptional(json, "plan", account.Plan);
                WriteOptional(json, "owner", account.Owner);
                WriteOptional(json, "owner_channel", account.OwnerChannel);
                if (account.Health is { } health)
                {
                    json.WriteNumber("health", health);
                }

                WriteTraits(json, account.Traits);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteTraits(Utf8JsonWriter json, IReadOnlyDictionary<string, string>? traits)
    {
        if (traits is { Count: > 0 })
        {
            json.WriteStartObject("traits");
            foreach (var (key, value) in traits)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }
    }

    // Short and stable: a hash of what makes the delivery unique, prefixed so outbox rows say what they are.
    private static string Id(string workspace, string pipelineId, string destinationId, IngestEvent e)
    {
        var key = $"{workspace}\n{pipelineId}\n{destinationId}\n{e.Source}\n{e.MessageId}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return "pl_" + Convert.ToHexStringLower(hash[..16]);
    }
}
