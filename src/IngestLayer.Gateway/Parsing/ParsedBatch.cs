using IngestLayer.Contracts;

namespace IngestLayer.Gateway.Parsing;

/// <summary>Why one event of a request was not accepted.</summary>
/// <param name="Index">Position of the event in the request (0 for a single-event request).</param>
/// <param name="Field">The offending field, as the caller named it.</param>
/// <param name="Error">What is wrong with it.</param>
public sealed record RejectedEvent(int Index, string Field, string Error);

/// <summary>The outcome of parsing a request: the valid events, and why the others were rejected.</summary>
/// <param name="capacity">How many events the request holds, so the list is allocated once at its final size.</param>
public sealed class ParsedBatch(int capacity = 1)
{
    public List<IngestEvent> Events { get; } = new(capacity);

    public List<RejectedEvent> Rejected { get; } = [];

    /// <summary>Set when the request as a whole is unusable (not the expected envelope).</summary>
    public string? EnvelopeError { get; set; }

    /// <summary>Set when a single-event request's event is over the size limit (answered 413).</summary>
    public bool Oversize { get; set; }

    /// <summary>A write key found in the body (Segment's <c>writeKey</c>), when the header carried none.</summary>
    public string? BodyWriteKey { get; set; }

    public static ParsedBatch Invalid(string error) => new() { EnvelopeError = error };
}
