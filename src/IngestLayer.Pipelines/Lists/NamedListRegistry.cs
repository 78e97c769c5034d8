using System.Collections.Concurrent;

namespace IngestLayer.Pipelines.Lists;

/// <summary>
/// An in-memory <see cref="INamedLists"/> (one per workspace): uploads replace a list's values in place, so
/// filters compiled earlier see them. A removed list is emptied rather than forgotten, so a filter compiled
/// against it matches nothing until the list is uploaded again, and then sees the new values.
/// </summary>
public sealed class NamedListRegistry : INamedLists
{
    private readonly ConcurrentDictionary<string, NamedList> _lists = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _present = new(StringComparer.Ordinal);

    public NamedList? Find(string name) => _present.ContainsKey(name) ? _lists.GetValueOrDefault(name) : null;

    /// <summary>Creates the list or replaces its values.</summary>
    public NamedList Upload(string name, IEnumerable<string> values)
    {
        var list = _lists.GetOrAdd(name, static n => new NamedList(n));
        list.Replace(values);
        _present[name] = true;
        return list;
    }

    /// <summary>Empties the list and hides it from <see cref="Find"/> (so new filters naming it are refused).</summary>
    public bool Remove(string name)
    {
        if (!_present.TryRemove(name, out _))
        {
            return false;
        }

        _lists[name].Replace([]);
        return true;
    }

    /// <summary>The lists that exist now, by name.</summary>
    public IReadOnlyList<NamedList> Lists => [.. _lists.Values.Where(l => _present.ContainsKey(l.Name)).OrderBy(l => l.Name, StringComparer.Ordinal)];
}
