namespace IngestLayer.Pipelines.Filters;

/// <summary>
/// Why a filter was refused: <see cref="Message"/> says what and where (<c>expected "]" or "," at column 27, found "and"</c>);
/// <see cref="Column"/> is 1-based and counts characters from the start of the whole text (a line break counts as one);
/// <see cref="Expected"/> lists what would have been accepted, for syntax errors.
/// </summary>
public sealed record FilterError(string Message, int Column, IReadOnlyList<string> Expected)
{
    public override string ToString() => Message;

    internal static FilterError At(string description, int column) => new($"{description} at column {column}", column, []);
}
