namespace IngestLayer.Contracts.Webhooks;

/// <summary>
/// A system that pushes signed webhooks to <c>POST /v1/webhooks/{id}</c> (a billing provider, a CRM): how its
/// requests are signed and how its payloads become events. One config document per source, versioned like rules;
/// the <see cref="Id"/> is made by the server (<c>whsrc_…</c>), unique across workspaces, since the URL alone must
/// name the source and its workspace.
/// </summary>
public sealed record WebhookSourceDefinition : IVersionedDocument<WebhookSourceDefinition>
{
    public string Id { get; init; } = "";
    /// <summary>A human label (<c>Stripe live</c>).</summary>
    public string? Name { get; init; }
    /// <summary><see cref="WebhookSchemes.StandardWebhooks"/> or <see cref="WebhookSchemes.Stripe"/>.</summary>
    public string Scheme { get; init; } = WebhookSchemes.StandardWebhooks;
    /// <summary>One or two signing secrets (two while rotating); never shown by the API once stored.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
    public WebhookMapping Mapping { get; init; } = new();
    /// <summary>A disabled source answers as an unknown one.</summary>
    public bool Enabled { get; init; } = true;
    public int Version { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }

    public WebhookSourceDefinition Stamp(string id, int version, DateTimeOffset? updatedAt) => this with { Id = id, Version = version, UpdatedAt = updatedAt };
}

/// <summary>
/// Where a payload's parts are: each path field lists JSONPath alternatives (<c>$.data.object.customer</c>), the first
/// that finds a value wins. A <see cref="Preset"/> fills every field left out; <see cref="Names"/> is merged over it.
/// </summary>
public sealed record WebhookMapping
{
    /// <summary><see cref="WebhookPresets.Stripe"/>, or null for a mapping given in full.</summary>
    public string? Preset { get; init; }
    public IReadOnlyList<string>? Event { get; init; }
    public IReadOnlyList<string>? Account { get; init; }
    public IReadOnlyList<string>? User { get; init; }
    /// <summary>Unix seconds or ISO 8601; the signed send time, else the receive time, when nothing is found.</summary>
    public IReadOnlyList<string>? Timestamp { get; init; }
    /// <summary>The payload's own id: the dedupe key of Stripe-style sources (Standard Webhooks use <c>webhook-id</c>).</summary>
    public IReadOnlyList<string>? Id { get; init; }
    /// <summary>The account's plan, when the payload says it (a subscription change).</summary>
    public IReadOnlyList<string>? Plan { get; init; }
    /// <summary>An object copied whole as the event's properties (<c>$.data.object</c>).</summary>
    public IReadOnlyList<string>? Properties { get; init; }
    /// <summary>Or: property name → path, for a small picked set of properties.</summary>
    public IReadOnlyDictionary<string, string>? PropertyMap { get; init; }
    /// <summary>Provider event name → our event name (<c>invoice.payment_failed</c> → <c>billing invoice payment failed</c>).</summary>
    public IReadOnlyDictionary<string, string>? Names { get; init; }
    /// <summary>Names not in <see cref="Names"/>: <see cref="WebhookUnmapped.Ignore"/> (answered 200, stored nothing) or <see cref="WebhookUnmapped.Keep"/> (stored under the provider's name).</summary>
    public string? Unmapped { get; init; }
}

/// <summary>Signature schemes of webhook sources.</summary>
public static class WebhookSchemes
{
    public const string StandardWebhooks = "standard_webhooks";
    public const string Stripe = "stripe";

    public static readonly IReadOnlyList<string> All = [StandardWebhooks, Stripe];
}

/// <summary>Built-in mappings.</summary>
public static class WebhookPresets
{
    public const string Stripe = "stripe";

    public static readonly IReadOnlyList<string> All = [Stripe];
}

/// <summary>What happens to event names a mapping's <see cref="WebhookMapping.Names"/> does not list.</summary>
public static class WebhookUnmapped
{
    public const string Ignore = "ignore";
    public const string Keep = "keep";

    public static readonly IReadOnlyList<string> All = [Ignore, Keep];
}
