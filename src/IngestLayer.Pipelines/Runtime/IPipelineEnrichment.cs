using IngestLayer.Contracts;

namespace IngestLayer.Pipelines.Runtime;

/// <summary>Where an <c>enrich</c> step gets the user and the account of an event (the grains, live or in the tester).</summary>
public interface IPipelineEnrichment
{
    /// <summary>The event's user, or null when it has none or the user was never seen.</summary>
    ValueTask<FilterUser?> UserAsync(IngestEvent e);

    /// <summary>The event's account, or null when it has none or the account was never seen.</summary>
    ValueTask<FilterAccount?> AccountAsync(IngestEvent e);
}
