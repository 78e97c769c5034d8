using System.Text.Json;
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

    /// <summary>
    /// A single-event request: over <paramref name="maxEventBytes"/> it is <see cref="Oversize"/> (answered 413);
    /// otherwise parsed by <paramref name="parse"/>, whose <see cref="FieldError"/> rejects it.
    /// </summary>
    public static ParsedBatch OfOne<TContext>(JsonElement e, int maxEventBytes, TContext context, Func<JsonElement, TContext, IngestEvent> parse)
    {
        var single = new ParsedBatch();
        if (EventRules.Size(e) > maxEventBytes)
        {
            single.Oversize = true;
            return single;
        }

        single.Add(0, e, context, parse);
        return single;
    }

    /// <summary>
    /// The events of a non-empty array: each over <paramref name="maxEventBytes"/> rejected by index, the others parsed
    /// by <paramref name="parse"/> (a static lambda with its <paramref name="context"/>, so nothing is allocated per event).
    /// </summary>
    public static ParsedBatch OfArray<TContext>(JsonElement events, int maxEventBytes, TContext context, Func<JsonElement, TContext, IngestEvent> parse)
    {
        var batch = new ParsedBatch(events.GetArrayLength());
        var index = 0;
        foreach (var e in events.EnumerateArray())
        {
            if (EventRules.Size(e) is var size && size > maxEventBytes)
            {
                batch.Rejected.Add(new RejectedEvent(index, "", $"the event is {size} bytes; the limit is {maxEventBytes} (IngestLayer:MaxEventBytes)"));
            }
            else
            {
                batch.Add(index, e, context, parse);
            }

            index++;
        }

        return batch;
    }

    private void Add<TContext>(int index, JsonElement e, TContext context, Func<JsonElement, TContext, IngestEvent> parse)
    {
        try
        {
            Events.Add(parse(e, context));
        }
        catch (FieldError error)
        {
            Rejected.Add(new RejectedEvent(index, error.Field, error.Message));
        }
    }
}
