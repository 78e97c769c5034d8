using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Rules;
using IngestLayer.Pipelines.Lists;

namespace IngestLayer.Gateway.Pipelines;

/// <summary>
/// Turns a pipeline document (JSON) into a <see cref="PipelineDefinition"/>, or says, field by field, what is wrong
/// with it. Filters and templates are parsed here, so a pipeline that stores is one that compiles; their errors
/// name the step (<c>steps[1].filter</c>) and the column.
/// </summary>
public static class PipelineValidator
{
    public const int MaxMatch = 50;
    public const int MaxSteps = 20;
    public const int MaxDestinations = 10;
    public const int MaxExpressionLength = 4_000;
    public const int MaxThrottlePerMinute = 600;

    private static readonly string[] Fields = ["id", "name", "enabled", "match", "steps", "destinations", "throttle_per_minute", "version"];
    private static readonly string[] StepFields = ["filter", "enrich"];
    private static readonly string[] SlackFields = ["type", "id", "channel", "template"];
    private static readonly string[] WebhookFields = ["type", "id", "url", "secret", "payload"];

    /// <summary>The outcome: a pipeline and the version the caller expects to replace (if it said), or the errors.</summary>
    /// <param name="Pipeline">The pipeline, when valid.</param>
    /// <param name="ExpectedVersion">The version the document said it replaces.</param>
    /// <param name="Errors">Every problem, by field.</param>
    /// <param name="GeneratedSecrets">Webhook destinations given no secret and having none before: a new one was made, which the response shows once.</param>
    public sealed record Result(PipelineDefinition? Pipeline, int? ExpectedVersion, IReadOnlyList<DocumentFieldError> Errors, IReadOnlySet<string>? GeneratedSecrets = null);

    /// <summary>
    /// Validates <paramref name="body"/>; <paramref name="pathId"/> is the id in the URL of a PUT (the body's must
    /// match it). <paramref name="previous"/> is the version being replaced: a webhook destination written without a
    /// secret keeps the secret its id had there (the API never shows secrets, so a read-modify-write cannot resend it).
    /// Filters are compiled against <paramref name="lists"/>, the workspace's named lists.
    /// </summary>
    public static Result Validate(JsonElement body, string? pathId, INamedLists lists, PipelineDefinition? previous = null)
    {
        var errors = new List<DocumentFieldError>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("", "A pipeline is a JSON object."));
            return new Result(null, null, errors);
        }

        Unknown(body, Fields, "", "a pipeline field", errors);
        var id = ReadId(body, pathId, errors);
        var reader = new FieldReader(errors);
        var name = ReadString(body, "name", 200, errors);
        var enabled = reader.Bool(body, "enabled") ?? true;
        var throttle = (int?)reader.Integer(body, "throttle_per_minute", 1, MaxThrottlePerMinute) ?? PipelineDefinition.DefaultThrottlePerMinute;
        var version = (int?)reader.Integer(body, "version", 0, int.MaxValue);
        var match = ReadMatch(body, errors);
        var steps = ReadSteps(body, lists, errors);
        var generated = new HashSet<string>(StringComparer.Ordinal);
        var destinations = ReadDestinations(body, previous, generated, errors);
        if (errors.Count > 0)
        {
            return new Result(null, null, errors);
        }

        return new Result(
            new PipelineDefinition
            {
                Id = id!,
                Name = name,
                Enabled = enabled,
                Match = match!,
                Steps = steps!,
                Destinations = destinations!,
                ThrottlePerMinute = throttle,
            },
            version,
            errors,
            generated);
    }

    private static string? ReadId(JsonElement body, string? pathId, List<DocumentFieldError> errors)
    {
        if (!body.TryGetProperty("id", out var value))
        {
            if (pathId is null)
            {
                errors.Add(new("id", "is required."));
            }

            return pathId;
        }

        var id = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        if (id is null || !RuleValidator.IsValidId(id))
        {
            errors.Add(new("id", "must be 1 to 64 characters: lower-case letters, digits, '_', '-' or '.', starting with a letter or digit."));
        }
        else if (pathId is not null && id != pathId)
        {
            errors.Add(new("id", $"must be the id in the path ('{pathId}'); a pipeline cannot be renamed."));
        }

        return id;
    }

    private static IReadOnlyList<string>? ReadMatch(JsonElement body, List<DocumentFieldError> errors)
    {
        if (!body.TryGetProperty("match", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new("match", "is required: the event names the pipeline takes, e.g. \"feature.used\" or [\"billing *\", \"$pageview\"]."));
            return null;
        }

        var names = value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array when value.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String) => value.EnumerateArray().Select(x => x.GetString()!).ToList(),
            _ => null,
        };
        if (names is null || names.Count is 0 or > MaxMatch || names.Any(n => n.Length is 0 or > 200 || string.IsNullOrWhiteSpace(n)))
        {
            errors.Add(new("match", $"must be an event name or a list of 1 to {MaxMatch} of them (at most 200 characters each; '*' and '?' match any text and any one character)."));
            return null;
        }

        return [.. names.Distinct(StringComparer.Ordinal)];
    }

    private static IReadOnlyList<PipelineStep>? ReadSteps(JsonElement body, INamedLists lists, List<DocumentFieldError> errors)
    {
        if (!body.TryGetProperty("steps", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return []; // every matched event goes to the destinations
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxSteps)
        {
            errors.Add(new("steps", $"must be a list of at most {MaxSteps} steps, each {{\"filter\": \"<expression>\"}} or {{\"enrich\": [\"user\", \"account\"]}}."));
            return null;
        }

        var steps = new List<PipelineStep>();
        var index = 0;
        foreach (var step in value.EnumerateArray())
        {
            var at = $"steps[{index++}]";
            if (step.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new(at, "must be an object: {\"filter\": \"<expression>\"} or {\"enrich\": [\"user\", \"account\"]}."));
                continue;
            }

            Unknown(step, StepFields, at + ".", "a step field", errors);
            var hasFilter = step.TryGetProperty("filter", out var filter);
            var hasEnrich = step.TryGetProperty("enrich", out var enrich);
            if (hasFilter == hasEnrich)
            {
                errors.Add(new(at, "must have exactly one of 'filter' and 'enrich'."));
            }
            else if (hasFilter)
            {
                if (ReadExpression(filter, at + ".filter", text => PipelineExpressions.CheckFilter(text, lists), errors) is { } text)
                {
                    steps.Add(new PipelineStep { Filter = text });
                }
            }
            else if (ReadEnrich(enrich, at + ".enrich", errors) is { } entities)
            {
                steps.Add(new PipelineStep { Enrich = entities });
            }
        }

        return steps;
    }

    private static IReadOnlyList<string>? ReadEnrich(JsonElement value, string field, List<DocumentFieldError> errors)
    {
        var names = value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array when value.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String) => value.EnumerateArray().Select(x => x.GetString()!).ToList(),
            _ => null,
        };
        if (names is null || names.Count == 0 || names.Any(n => !PipelineEnrichments.All.Contains(n, StringComparer.Ordinal)))
        {
            errors.Add(new(field, $"must be one or more of {string.Join(", ", PipelineEnrichments.All)}."));
            return null;
        }

        return [.. names.Distinct(StringComparer.Ordinal)];
    }

    private static IReadOnlyList<PipelineDestination>? ReadDestinations(JsonElement body, PipelineDefinition? previous, HashSet<string> generated, List<DocumentFieldError> errors)
    {
        if (!body.TryGetProperty("destinations", out var value) || value.ValueKind != JsonValueKind.Array
            || value.GetArrayLength() is 0 or > MaxDestinations)
        {
            errors.Add(new("destinations", $"must be a list of 1 to {MaxDestinations} destinations, e.g. [{{\"type\": \"slack\", \"channel\": \"#alerts\"}}]."));
            return null;
        }

        var destinations = new List<PipelineDestination>();
        var index = 0;
        foreach (var d in value.EnumerateArray())
        {
            var at = $"destinations[{index++}]";
            if (d.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new(at, "must be an object with a 'type' (slack or webhook)."));
                continue;
            }

            var type = new FieldReader(errors, at + ".").OneOf(d, "type", PipelineDestinationTypes.All);
            if (type is null)
            {
                if (!d.TryGetProperty("type", out _))
                {
                    errors.Add(new(at + ".type", "is required: slack or webhook."));
                }

                continue;
            }

            var id = ReadString(d, "id", 64, errors, at + ".") ?? $"{type}-{index}";
            if (destinations.Any(x => x.Id == id))
            {
                errors.Add(new(at + ".id", $"'{id}' is used by an earlier destination; ids must be unique in the pipeline."));
            }

            destinations.Add(type == PipelineDestinationTypes.Slack
                ? ReadSlack(d, id, at, errors)
                : ReadWebhook(d, id, at, previous?.Destinations.FirstOrDefault(x => x.Id == id && x.Type == PipelineDestinationTypes.Webhook), generated, errors));
        }

        return destinations;
    }

    private static PipelineDestination ReadSlack(JsonElement d, string id, string at, List<DocumentFieldError> errors)
    {
        Unknown(d, SlackFields, at + ".", "a Slack destination field", errors);
        string? channel = null;
        if (d.TryGetProperty("channel", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            channel = c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (channel is null || !(RuleValidator.IsChannel(channel) || channel.Contains('$', StringComparison.Ordinal)))
            {
                errors.Add(new(at + ".channel", "must be a Slack channel ('#alerts' or a channel id), a template such as \"$account.owner_channel\", or null for the default channel."));
                channel = null;
            }
            else if (channel.Contains('$', StringComparison.Ordinal) && PipelineExpressions.CheckTemplate(channel) is { } error)
            {
                errors.Add(new(at + ".channel", error));
            }
        }

        var template = d.TryGetProperty("template", out var t) && t.ValueKind != JsonValueKind.Null
            ? ReadExpression(t, at + ".template", PipelineExpressions.CheckTemplate, errors)
            : null;
        return new PipelineDestination { Id = id, Type = PipelineDestinationTypes.Slack, Channel = channel, Template = template };
    }

    private static PipelineDestination ReadWebhook(JsonElement d, string id, string at, PipelineDestination? previous, HashSet<string> generated, List<DocumentFieldError> errors)
    {
        Unknown(d, WebhookFields, at + ".", "a webhook destination field", errors);
        var url = ReadString(d, "url", 2_000, errors, at + ".");
        if (url is null)
        {
            if (!d.TryGetProperty("url", out _))
            {
                errors.Add(new(at + ".url", "is required: the https:// (or http://) URL to POST to."));
            }
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0)
        {
            errors.Add(new(at + ".url", "must be an absolute http:// or https:// URL without credentials in it."));
        }

        var secret = ReadString(d, "secret", 200, errors, at + ".");
        if (secret is not null && PipelineExpressions.CheckWebhookSecret(secret) is { } bad)
        {
            errors.Add(new(at + ".secret", bad));
        }

        string? payload = null;
        if (d.TryGetProperty("payload", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                errors.Add(new(at + ".payload", "must be a JSON object (or array) whose string values may hold templates such as \"$event.name\"."));
            }
            else if (PipelineExpressions.CheckPayload(p.GetRawText()) is { } error)
            {
                errors.Add(new(at + ".payload", error));
            }
            else
            {
                payload = p.GetRawText();
            }
        }

        // Written: that one. Left out: the one this destination had, else a new one (shown once, on this response).
        if (secret is null && previous?.Secret is null)
        {
            secret = PipelineExpressions.NewWebhookSecret();
            generated.Add(id);
        }

        return new PipelineDestination
        {
            Id = id,
            Type = PipelineDestinationTypes.Webhook,
            Url = url,
            Secret = secret ?? previous!.Secret,
            Payload = payload,
        };
    }

    private static string? ReadExpression(JsonElement value, string field, Func<string, string?> check, List<DocumentFieldError> errors)
    {
        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length is 0 or > MaxExpressionLength)
        {
            errors.Add(new(field, $"must be a non-empty string of at most {MaxExpressionLength} characters."));
            return null;
        }

        var text = value.GetString()!;
        if (check(text) is { } error)
        {
            errors.Add(new(field, error));
            return null;
        }

        return text;
    }

    private static string? ReadString(JsonElement obj, string name, int maxLength, List<DocumentFieldError> errors, string prefix = "")
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length is 0 || value.GetString()!.Length > maxLength)
        {
            errors.Add(new(prefix + name, $"must be a non-empty string of at most {maxLength} characters."));
            return null;
        }

        return value.GetString();
    }

    private static void Unknown(JsonElement obj, string[] known, string prefix, string what, List<DocumentFieldError> errors)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add(new(prefix + property.Name, $"is not {what}; the fields are {string.Join(", ", known)}."));
            }
        }
    }
}
