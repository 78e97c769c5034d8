using IngestLayer.Contracts;
using IngestLayer.Pipelines.Filters;
using IngestLayer.Pipelines.Lists;
using IngestLayer.Pipelines.Templates;

namespace IngestLayer.Pipelines.Runtime;

/// <summary>One pipeline version compiled: its patterns, its steps as delegates, its templates parsed. Immutable, shared by every grain of a silo.</summary>
public sealed class CompiledPipeline
{
    private CompiledPipeline(PipelineDefinition definition, EventNamePattern[] match, CompiledStep[] steps, CompiledDestination[] destinations)
    {
        (Definition, Match, Steps, Destinations) = (definition, match, steps, destinations);
    }

    public PipelineDefinition Definition { get; }

    public string Id => Definition.Id;

    /// <summary>The title of its default Slack rendering.</summary>
    public string Title => Definition.Name ?? Definition.Id;

    public EventNamePattern[] Match { get; }

    public CompiledStep[] Steps { get; }

    public CompiledDestination[] Destinations { get; }

    public bool Matches(string eventName)
    {
        foreach (var pattern in Match)
        {
            if (pattern.Matches(eventName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Compiles <paramref name="definition"/>, or returns the first problem. Stored pipelines were validated, so at
    /// run time a problem means a list went away or the language changed under a stored text: the caller skips it.
    /// </summary>
    public static CompiledPipeline? TryCompile(PipelineDefinition definition, INamedLists lists, out string? error)
    {
        error = null;
        var steps = new List<CompiledStep>();
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            if (step.Filter is { } text)
            {
                if (!FilterCompiler.TryCompile(text, lists, out var filter, out var filterError))
                {
                    error = $"steps[{i}].filter: {filterError.Message}";
                    return null;
                }

                steps.Add(new CompiledStep(filter, false, false));
            }
            else
            {
                var enrich = step.Enrich ?? [];
                steps.Add(new CompiledStep(null, enrich.Contains(PipelineEnrichments.User), enrich.Contains(PipelineEnrichments.Account)));
            }
        }

        var destinations = new List<CompiledDestination>();
        for (var i = 0; i < definition.Destinations.Count; i++)
        {
            if (CompiledDestination.TryCompile(definition.Destinations[i], out var destination, out var destinationError) is false)
            {
                error = $"destinations[{i}]: {destinationError}";
                return null;
            }

            destinations.Add(destination!);
        }

        return new CompiledPipeline(definition, [.. definition.Match.Select(m => new EventNamePattern(m))], [.. steps], [.. destinations]);
    }
}

/// <summary>A step: a filter, or what to enrich the event with.</summary>
public sealed record CompiledStep(CompiledFilter? Filter, bool EnrichUser, bool EnrichAccount);

/// <summary>A destination with its templates parsed.</summary>
public sealed record CompiledDestination(PipelineDestination Definition, MessageTemplate? Channel, MessageTemplate? Text, JsonTemplate? Payload)
{
    public static bool TryCompile(PipelineDestination d, out CompiledDestination? compiled, out string? error)
    {
        compiled = null;
        error = null;
        MessageTemplate? channel = null, text = null;
        JsonTemplate? payload = null;
        if (d.Channel is { } c && c.Contains('$', StringComparison.Ordinal) && !MessageTemplate.TryParse(c, out channel, out var channelError))
        {
            error = "channel: " + channelError.Message;
            return false;
        }

        if (d.Template is { } t && !MessageTemplate.TryParse(t, out text, out var textError))
        {
            error = "template: " + textError.Message;
            return false;
        }

        if (d.Payload is { } p && !JsonTemplate.TryParse(p, out payload, out var payloadError))
        {
            error = "payload: " + payloadError.Message;
            return false;
        }

        compiled = new CompiledDestination(d, channel, text, payload);
        return true;
    }
}
