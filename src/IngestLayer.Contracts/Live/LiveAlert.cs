namespace IngestLayer.Contracts.Live;

/// <summary>An alert a rule raised, as the live feeds show it (the delivery fields of <see cref="Alert"/> stay out).</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.LiveAlert")]
public sealed record LiveAlert
{
    [Id(0)] public string AlertId { get; init; } = "";
    [Id(1)] public string? Rule { get; init; }
    [Id(2)] public string Signal { get; init; } = "";
    [Id(3)] public string Category { get; init; } = "";
    [Id(4)] public string Severity { get; init; } = "";
    [Id(5)] public string Title { get; init; } = "";
    [Id(6)] public string Explanation { get; init; } = "";
    [Id(7)] public string? Subject { get; init; }
    [Id(8)] public IReadOnlyList<EvidenceItem> Evidence { get; init; } = [];
    [Id(9)] public DateTimeOffset FiredAt { get; init; }
    [Id(10)] public DateTimeOffset? SnoozedUntil { get; init; }

    public static LiveAlert From(Alert a) => new()
    {
        AlertId = a.AlertId,
        Rule = a.Rule,
        Signal = a.Signal,
        Category = a.Category,
        Severity = a.Severity,
        Title = a.Title,
        Explanation = a.Explanation,
        Subject = a.Subject,
        Evidence = a.Evidence,
        FiredAt = a.FiredAt,
        SnoozedUntil = a.SnoozedUntil,
    };
}
