using System.Text.Json.Serialization;

namespace IngestLayer.Client;

/// <summary>The service's answer to <c>POST /v1/events</c>: a 200's counts, or a 400's problem details.</summary>
internal sealed record IngestAnswer(
    [property: JsonPropertyName("accepted")] int Accepted,
    [property: JsonPropertyName("duplicates")] int Duplicates,
    [property: JsonPropertyName("rejected")] IReadOnlyList<RejectedIndex>? Rejected,
    [property: JsonPropertyName("errors")] IReadOnlyList<RejectedIndex>? Errors,
    [property: JsonPropertyName("detail")] string? Detail);

/// <summary>One refused event of a batch, by its position in the request.</summary>
internal sealed record RejectedIndex(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("field")] string? Field,
    [property: JsonPropertyName("error")] string? Error);

[JsonSerializable(typeof(IngestAnswer))]
internal sealed partial class IngestAnswerJsonContext : JsonSerializerContext;
