namespace IngestLayer.Pipelines.Runtime;

/// <summary>Runs a pipeline's steps over one event: the filters in order, enriching the context where a step says so.</summary>
public static class PipelineEvaluator
{
    /// <summary>Returned by <see cref="RunAsync"/> when the event passed every step.</summary>
    public const int Passed = -1;

    /// <summary>
    /// Runs <paramref name="pipeline"/>'s steps on the event in <paramref name="context"/> and returns the index of the
    /// filter that dropped it, or <see cref="Passed"/>. The context starts without enrichment (another pipeline's
    /// enrich step must not leak into this one's filters) and ends with what this pipeline's steps attached.
    /// </summary>
    public static ValueTask<int> RunAsync(CompiledPipeline pipeline, FilterContext context, IPipelineEnrichment enrichment)
    {
        context.Enrich(null, null);

        // Synchronous up to the first enrich step: most events stop at a filter before it, and pay no async machinery.
        var steps = pipeline.Steps;
        for (var i = 0; i < steps.Length; i++)
        {
            if (steps[i].Filter is not { } filter)
            {
                return ContinueAsync(steps, i, context, enrichment);
            }

            if (!filter.Matches(context))
            {
                return ValueTask.FromResult(i);
            }
        }

        return ValueTask.FromResult(Passed);
    }

    private static async ValueTask<int> ContinueAsync(CompiledStep[] steps, int from, FilterContext context, IPipelineEnrichment enrichment)
    {
        for (var i = from; i < steps.Length; i++)
        {
            var step = steps[i];
            if (step.Filter is { } filter)
            {
                if (!filter.Matches(context))
                {
                    return i;
                }
            }
            else
            {
                var user = step.EnrichUser ? await enrichment.UserAsync(context.Event) : context.User;
                var account = step.EnrichAccount ? await enrichment.AccountAsync(context.Event) : context.Account;
                context.Enrich(user, account);
            }
        }

        return Passed;
    }
}
