using System.Collections.Concurrent;
using IngestLayer.Contracts;
using IngestLayer.Pipelines.Lists;

namespace IngestLayer.Pipelines.Runtime;

/// <summary>
/// A workspace's enabled pipelines, compiled, with an index from event name to the pipelines that take it: exact
/// names are one dictionary look-up, and the answer for a name that needs a glob is computed once and remembered.
/// An event no pipeline takes costs one look-up.
/// </summary>
public sealed class CompiledPipelines
{
    // Distinct event names remembered per workspace; past it, answers are computed each time rather than kept.
    private const int MaxRemembered = 10_000;

    private readonly Dictionary<string, CompiledPipeline[]> _exact;
    private readonly CompiledPipeline[] _globbed;
    private readonly ConcurrentDictionary<string, CompiledPipeline[]> _remembered = new(StringComparer.Ordinal);

    public static readonly CompiledPipelines None = new([], [], new NamedListRegistry());

    private CompiledPipelines(CompiledPipeline[] pipelines, IReadOnlyList<PipelineProblem> problems, NamedListRegistry lists)
    {
        All = pipelines;
        Problems = problems;
        Lists = lists;
        _exact = pipelines
            .SelectMany(p => p.Match.Where(m => m.IsExact).Select(m => (m.Pattern, Pipeline: p)))
            .GroupBy(x => x.Pattern, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Pipeline).Distinct().ToArray(), StringComparer.Ordinal);
        _globbed = [.. pipelines.Where(p => p.Match.Any(m => !m.IsExact))];
    }

    /// <summary>The enabled pipelines that compiled, ordered by id.</summary>
    public CompiledPipeline[] All { get; }

    /// <summary>Pipelines that did not compile (a list deleted under them): skipped, and shown by the ops API.</summary>
    public IReadOnlyList<PipelineProblem> Problems { get; }

    /// <summary>The workspace's named lists, as filters read them.</summary>
    public NamedListRegistry Lists { get; }

    /// <summary>The pipelines that take events named <paramref name="eventName"/>, in id order; empty for most.</summary>
    public CompiledPipeline[] For(string eventName)
    {
        if (All.Length == 0)
        {
            return [];
        }

        if (_globbed.Length == 0)
        {
            return _exact.GetValueOrDefault(eventName) ?? [];
        }

        if (_remembered.TryGetValue(eventName, out var known))
        {
            return known;
        }

        var found = All.Where(p => p.Matches(eventName)).ToArray();
        if (_remembered.Count < MaxRemembered)
        {
            _remembered[eventName] = found;
        }

        return found;
    }

    /// <summary>
    /// Compiles the enabled pipelines of <paramref name="set"/> against its lists. A list a filter names that is not
    /// (or no longer) there reads as empty, so the pipeline runs and that test is false, rather than stopping.
    /// </summary>
    public static CompiledPipelines Compile(PipelineSet set)
    {
        var lists = Registry(set.Lists);
        var compiled = new List<CompiledPipeline>();
        var problems = new List<PipelineProblem>();
        foreach (var definition in set.Pipelines.Where(p => p.Enabled).OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            if (CompiledPipeline.TryCompile(definition, new EmptyForMissing(lists), out var error) is { } pipeline)
            {
                compiled.Add(pipeline);
            }
            else
            {
                problems.Add(new PipelineProblem(definition.Id, error!));
            }
        }

        return new CompiledPipelines([.. compiled], problems, lists);
    }

    /// <summary>A registry holding <paramref name="lists"/>, for compiling and validating filters.</summary>
    public static NamedListRegistry Registry(IReadOnlyList<NamedListDefinition> lists)
    {
        var registry = new NamedListRegistry();
        foreach (var list in lists)
        {
            registry.Upload(list.Id, list.Values);
        }

        return registry;
    }

    private sealed class EmptyForMissing(NamedListRegistry lists) : INamedLists
    {
        public NamedList? Find(string name) => lists.Find(name) ?? new NamedList(name);
    }
}

/// <summary>A pipeline that could not be compiled, and why.</summary>
public sealed record PipelineProblem(string PipelineId, string Error);
