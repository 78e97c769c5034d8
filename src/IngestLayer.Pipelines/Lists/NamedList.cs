using System.Collections.Frozen;

namespace IngestLayer.Pipelines.Lists;

/// <summary>
/// A named set of strings (account ids, emails, ...). The set is swapped whole on upload: a reader sees either
/// the old values or the new ones, never a mix, and never takes a lock.
/// </summary>
public sealed class NamedList(string name)
{
    private volatile FrozenSet<string> _values = FrozenSet<string>.Empty;

    public string Name { get; } = name;

    public int Count => _values.Count;

    /// <summary>The values as of now.</summary>
    public IReadOnlySet<string> Values => _values;

    /// <summary>Case-sensitive, ordinal membership.</summary>
    public bool Contains(string value) => _values.Contains(value);

    /// <summary>Replaces the values (an upload); filters compiled against this list see them from their next evaluation.</summary>
    public void Replace(IEnumerable<string> values) => _values = values.ToFrozenSet(StringComparer.Ordinal);
}
