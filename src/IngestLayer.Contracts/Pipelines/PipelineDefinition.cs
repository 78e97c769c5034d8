namespace IngestLayer.Contracts;

/// <summary>
/// One pipeline of a workspace, validated: which events it takes (<see cref="Match"/>), what it does with each in
/// order (<see cref="Steps"/>: filters and enrichment), and where the survivors go (<see cref="Destinations"/>).
/// Stored as a JSON document per version; every change is a new <see cref="Version"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.PipelineDefinition")]
public sealed record PipelineDefinition : IVersionedDocument<PipelineDefinition>
{
    [Id(0)] public string Id { get; init; } = "";
    /// <summary>A human title, shown on the default Slack rendering; the id when absent.</summary>
    [Id(1)] public string? Name { get; init; }
    /// <summary>A disabled pipeline is kept, shown and testable, but runs on no event.</summary>
    [Id(2)] public bool Enabled { get; init; } = true;
    /// <summary>Event names, <c>*</c> and <c>?</c> globs allowed (<c>billing *</c>); an event matching any is taken.</summary>
    [Id(3)] public IReadOnlyList<string> Match { get; init; } = [];
    [Id(4)] public IReadOnlyList<PipelineStep> Steps { get; init; } = [];
    [Id(5)] public IReadOnlyList<PipelineDestination> Destinations { get; init; } = [];
    /// <summary>Slack messages per minute the pipeline sends at most; beyond it, one digest for the rest of the minute.</summary>
    [Id(6)] public int ThrottlePerMinute { get; init; } = DefaultThrottlePerMinute;
    [Id(7)] public int Version { get; init; }
    [Id(8)] public DateTimeOffset? UpdatedAt { get; init; }

    public const int DefaultThrottlePerMinute = 10;

    public PipelineDefinition Stamp(string id, int version, DateTimeOffset? updatedAt) => this with { Id = id, Version = version, UpdatedAt = updatedAt };
}

/// <summary>One step: a filter expression, or the entities to enrich the event with. Exactly one is set.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.PipelineStep")]
public sealed record PipelineStep
{
    /// <summary>A filter-language expression; events for which it is false stop here.</summary>
    [Id(0)] public string? Filter { get; init; }
    /// <summary><c>user</c> and/or <c>account</c>: attach their profile from the grains for later steps and templates.</summary>
    [Id(1)] public IReadOnlyList<string>? Enrich { get; init; }
}

/// <summary>Where a pipeline's events go: a Slack channel or a signed webhook.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.PipelineDestination")]
public sealed record PipelineDestination
{
    /// <summary>Unique in the pipeline (default: the type and its position, <c>slack-1</c>); names delivered messages, so it keeps them replay-safe.</summary>
    [Id(0)] public string Id { get; init; } = "";
    /// <summary><see cref="PipelineDestinationTypes.Slack"/> or <see cref="PipelineDestinationTypes.Webhook"/>.</summary>
    [Id(1)] public string Type { get; init; } = PipelineDestinationTypes.Slack;
    /// <summary>Slack: a channel (<c>#alerts</c>) or a template of one (<c>$account.owner_channel</c>); null for the default channel.</summary>
    [Id(2)] public string? Channel { get; init; }
    /// <summary>Slack: the message text as a template; null for the default rendering (title and key fields).</summary>
    [Id(3)] public string? Template { get; init; }
    /// <summary>Webhook: the URL posted to.</summary>
    [Id(4)] public string? Url { get; init; }
    /// <summary>Webhook: the Standard Webhooks signing secret (<c>whsec_...</c>). Never shown by the API once stored.</summary>
    [Id(5)] public string? Secret { get; init; }
    /// <summary>Webhook: a JSON template of the body (string values may hold <c>$event.*</c> placeholders); null posts the event.</summary>
    [Id(6)] public string? Payload { get; init; }
}

/// <summary>Destination types.</summary>
public static class PipelineDestinationTypes
{
    public const string Slack = "slack";
    public const string Webhook = "webhook";

    public static readonly IReadOnlyList<string> All = [Slack, Webhook];
}

/// <summary>What an enrich step can attach.</summary>
public static class PipelineEnrichments
{
    public const string User = "user";
    public const string Account = "account";

    public static readonly IReadOnlyList<string> All = [User, Account];
}
