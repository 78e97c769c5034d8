namespace IngestLayer.Pipelines.Lists;

/// <summary>
/// Where <c>list("name")</c> is looked up when a filter is compiled. A compiled filter keeps the
/// <see cref="NamedList"/> it was given, not its values, so an upload that replaces the values applies to
/// every filter already compiled, from its next evaluation on.
/// </summary>
public interface INamedLists
{
    /// <summary>The list called <paramref name="name"/> (case-sensitive), or null when there is none.</summary>
    NamedList? Find(string name);
}
