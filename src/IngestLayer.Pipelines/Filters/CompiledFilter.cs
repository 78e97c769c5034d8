namespace IngestLayer.Pipelines.Filters;

/// <summary>
/// A filter compiled to a tree of delegates: evaluating it reads fields and compares, and never looks at the
/// text again. Immutable and thread-safe (the <see cref="FilterContext"/> is what is per event).
/// </summary>
public sealed class CompiledFilter
{
    private readonly Func<FilterContext, bool> _predicate;

    internal CompiledFilter(FilterExpression expression, Func<FilterContext, bool> predicate, IReadOnlyList<string> listNames)
    {
        Expression = expression;
        _predicate = predicate;
        ListNames = listNames;
    }

    public FilterExpression Expression { get; }

    /// <summary>The normalised filter text.</summary>
    public string Text => Expression.ToString();

    /// <summary>The named lists the filter reads (<c>list("...")</c>), each once.</summary>
    public IReadOnlyList<string> ListNames { get; }

    public bool Matches(FilterContext context) => _predicate(context);

    public override string ToString() => Text;
}
