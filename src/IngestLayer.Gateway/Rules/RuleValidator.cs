using System.Text.Json;
using System.Text.RegularExpressions;
using IngestLayer.Contracts;

namespace IngestLayer.Gateway.Rules;

/// <summary>
/// Turns a rule document (JSON) into a <see cref="RuleDefinition"/>, or says, field by field, what is wrong with
/// it: unknown fields, parameters that do not belong to the kind, values out of range. Every error names its
/// field the way the document spells it (<c>parameters.min_count</c>).
/// </summary>
public static partial class RuleValidator
{
    public const int MaxListItems = 100;
    public const int MaxNameLength = 200;
    public static readonly TimeSpan DefaultCooldown = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxCooldown = TimeSpan.FromDays(365);

    private static readonly string[] Fields = ["id", "kind", "parameters", "severity", "cooldown", "destination", "enabled", "version"];

    // The parameters each kind reads; any other is refused, so a typo never passes silently.
    private static readonly Dictionary<string, string[]> KindParameters = new(StringComparer.Ordinal)
    {
        [RuleKinds.PaidFeatureOnFreePlan] = ["features", "plans", "min_count", "window_hours"],
        [RuleKinds.UsageSpike] = ["event", "feature", "factor", "min_count"],
        [RuleKinds.SeatGrowth] = ["metric", "event", "min_count", "percent", "min_baseline"],
        [RuleKinds.BillingLimitHit] = [],
        [RuleKinds.PaymentFailed] = [],
        [RuleKinds.SubscriptionCancelled] = [],
        [RuleKinds.EngagementDrop] = ["metric", "event", "feature", "percent", "min_baseline"],
        [RuleKinds.Inactivity] = ["days"],
        [RuleKinds.Threshold] = ["event", "feature", "window", "operator", "value", "plans"],
        [RuleKinds.HealthScore] = ["operator", "value"],
    };

    /// <summary>The outcome: a rule and the version the caller expects to replace (if it said), or the errors.</summary>
    public sealed record Result(RuleDefinition? Rule, int? ExpectedVersion, IReadOnlyList<DocumentFieldError> Errors);

    /// <summary>Validates <paramref name="body"/>; <paramref name="pathId"/> is the id in the URL of a PUT (the body's must match it).</summary>
    public static Result Validate(JsonElement body, string? pathId)
    {
        var errors = new List<DocumentFieldError>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("", "A rule is a JSON object."));
            return new Result(null, null, errors);
        }

        foreach (var property in body.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add(new(property.Name, $"is not a rule field; the fields are {string.Join(", ", Fields)}."));
            }
        }

        var id = ReadId(body, pathId, errors);
        var kind = ReadKind(body, errors);
        var reader = new FieldReader(errors);
        var severity = reader.OneOf(body, "severity", RuleSeverities.All) ?? DefaultSeverity(kind);
        var cooldown = reader.Duration(body, "cooldown", MaxCooldown) ?? DefaultCooldown;
        var destination = ReadDestination(body, errors);
        var enabled = reader.Bool(body, "enabled") ?? true;
        var version = (int?)reader.Integer(body, "version", 0, int.MaxValue);
        var parameters = kind is null ? null : ReadParameters(body, kind, errors);

        if (errors.Count > 0)
        {
            return new Result(null, null, errors);
        }

        return new Result(
            new RuleDefinition
            {
                Id = id!,
                Kind = kind!,
                Parameters = parameters!,
                Severity = severity,
                Cooldown = cooldown,
                Destination = destination,
                Enabled = enabled,
            },
            version,
            errors);
    }

    /// <summary>The severity a kind gets when the document gives none: money at risk is critical, other risks warnings.</summary>
    public static string DefaultSeverity(string? kind) => kind switch
    {
        RuleKinds.PaymentFailed or RuleKinds.SubscriptionCancelled => RuleSeverities.Critical,
        RuleKinds.EngagementDrop or RuleKinds.Inactivity or RuleKinds.HealthScore => RuleSeverities.Warning,
        _ => RuleSeverities.Info,
    };

    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    /// <summary>A Slack channel as an operator writes it: <c>#name</c> or a channel id such as <c>C0123456789</c>.</summary>
    public static bool IsChannel(string text) => ChannelName().IsMatch(text) || ChannelId().IsMatch(text);

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

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new("id", "must be a string."));
            return null;
        }

        var id = value.GetString()!;
        if (pathId is not null && id != pathId)
        {
            errors.Add(new("id", $"must be the id in the path ('{pathId}'); a rule cannot be renamed."));
        }
        else if (!IsValidId(id))
        {
            errors.Add(new("id", "must be 1 to 64 characters: lower-case letters, digits, '_', '-' or '.', starting with a letter or digit."));
        }

        return id;
    }

    private static string? ReadKind(JsonElement body, List<DocumentFieldError> errors)
    {
        if (!body.TryGetProperty("kind", out var value))
        {
            errors.Add(new("kind", $"is required: one of {string.Join(", ", RuleKinds.All)}."));
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || !RuleKinds.All.Contains(value.GetString()!, StringComparer.Ordinal))
        {
            errors.Add(new("kind", $"must be one of {string.Join(", ", RuleKinds.All)}."));
            return null;
        }

        return value.GetString();
    }

    private static string? ReadDestination(JsonElement body, List<DocumentFieldError> errors)
    {
        if (!body.TryGetProperty("destination", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null; // the account owner's channel
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        if (text is null || !IsChannel(text))
        {
            errors.Add(new("destination", "must be a Slack channel ('#name', at most 80 characters, or a channel id such as C0123456789), or null for the account owner's channel."));
            return null;
        }

        return text;
    }

    private static RuleParameters? ReadParameters(JsonElement body, string kind, List<DocumentFieldError> errors)
    {
        var allowed = KindParameters[kind];
        var p = default(JsonElement);
        if (body.TryGetProperty("parameters", out var given) && given.ValueKind != JsonValueKind.Null)
        {
            if (given.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new("parameters", "must be an object."));
                return null;
            }

            p = given;
            foreach (var property in given.EnumerateObject())
            {
                if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                {
                    errors.Add(new("parameters." + property.Name, allowed.Length == 0
                        ? $"does not apply: {kind} takes no parameters."
                        : $"does not apply to {kind}, which takes {string.Join(", ", allowed)}."));
                }
            }
        }

        var r = new FieldReader(errors, "parameters.");
        var has = p.ValueKind == JsonValueKind.Object;
        switch (kind)
        {
            case RuleKinds.PaidFeatureOnFreePlan:
            {
                var features = has ? r.Names(p, "features") : null;
                if (features is null && !errors.Any(e => e.Field == "parameters.features"))
                {
                    errors.Add(new("parameters.features", "is required: the paid feature keys, e.g. [\"csv.export\"]."));
                }

                return new RuleParameters
                {
                    Features = features,
                    Plans = (has ? r.Names(p, "plans") : null) ?? ["free"],
                    MinCount = (has ? r.Integer(p, "min_count", 1, 1_000_000_000) : null) ?? 1,
                    WindowHours = (int?)(has ? r.Integer(p, "window_hours", 1, 48) : null) ?? 24,
                };
            }

            case RuleKinds.UsageSpike:
            {
                var (e, f) = r.EventOrFeature(p, required: true);
                return new RuleParameters
                {
                    Event = e,
                    Feature = f,
                    Factor = (has ? r.Number(p, "factor", 1, 1000, minExclusive: true) : null) ?? 3,
                    MinCount = (has ? r.Integer(p, "min_count", 1, 1_000_000_000) : null) ?? 10,
                };
            }

            case RuleKinds.SeatGrowth:
            {
                var metric = (has ? r.OneOf(p, "metric", ["invites", "active_users"]) : null) ?? "invites";
                var byInvites = metric == "invites";
                r.OnlyFor(p, byInvites ? ["percent", "min_baseline"] : ["event", "min_count"], $"metric {metric}");
                return byInvites
                    ? new RuleParameters
                    {
                        Metric = metric,
                        Event = (has ? r.Name(p, "event") : null) ?? "team member invited",
                        MinCount = (has ? r.Integer(p, "min_count", 1, 1_000_000) : null) ?? 3,
                    }
                    : new RuleParameters
                    {
                        Metric = metric,
                        Percent = (has ? r.Number(p, "percent", 0, 10_000, minExclusive: true) : null) ?? 20,
                        MinBaseline = (has ? r.Integer(p, "min_baseline", 1, 1_000_000) : null) ?? 5,
                    };
            }

            case RuleKinds.EngagementDrop:
            {
                var metric = (has ? r.OneOf(p, "metric", ["active_users", "count"]) : null) ?? "active_users";
                string? e = null, f = null;
                if (metric == "count")
                {
                    (e, f) = r.EventOrFeature(p, required: true);
                }
                else
                {
                    r.OnlyFor(p, ["event", "feature"], "metric active_users");
                }

                return new RuleParameters
                {
                    Metric = metric,
                    Event = e,
                    Feature = f,
                    Percent = (has ? r.Number(p, "percent", 0, 100, minExclusive: true) : null) ?? 30,
                    MinBaseline = (has ? r.Integer(p, "min_baseline", 1, 1_000_000_000) : null) ?? 5,
                };
            }

            case RuleKinds.Inactivity:
                return new RuleParameters { Days = (int?)(has ? r.Integer(p, "days", 1, 365) : null) ?? 14 };

            case RuleKinds.Threshold:
            {
                var (e, f) = r.EventOrFeature(p, required: true);
                var window = has ? r.OneOf(p, "window", ["1h", "24h", "7d", "28d"]) : null;
                var value = has ? r.Number(p, "value", 0, 1e12) : null;
                if (window is null && !errors.Any(x => x.Field == "parameters.window"))
                {
                    errors.Add(new("parameters.window", "is required: one of 1h, 24h, 7d, 28d."));
                }

                if (value is null && !errors.Any(x => x.Field == "parameters.value"))
                {
                    errors.Add(new("parameters.value", "is required: the number the count is compared with."));
                }

                return new RuleParameters
                {
                    Event = e,
                    Feature = f,
                    Window = window,
                    Operator = (has ? r.OneOf(p, "operator", [">=", ">", "<=", "<"]) : null) ?? ">=",
                    Value = value,
                    Plans = has ? r.Names(p, "plans") : null,
                };
            }

            case RuleKinds.HealthScore:
                return new RuleParameters
                {
                    Operator = (has ? r.OneOf(p, "operator", [">=", ">", "<=", "<"]) : null) ?? "<",
                    Value = (has ? r.Number(p, "value", 0, 100) : null) ?? 40,
                };

            default:
                return new RuleParameters(); // the billing kinds
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^#[^\\s#]{1,79}$")]
    private static partial Regex ChannelName();

    [GeneratedRegex("^[CGD][A-Z0-9]{8,20}$")]
    private static partial Regex ChannelId();
}
