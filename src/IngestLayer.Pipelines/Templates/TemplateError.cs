namespace IngestLayer.Pipelines.Templates;

/// <summary>
/// Why a template was refused: <see cref="Message"/> says what and where (<c>unknown placeholder "$evnt.name" at column 7; ...</c>);
/// <see cref="Column"/> is 1-based and counts characters from the start of the whole template.
/// </summary>
public sealed record TemplateError(string Message, int Column)
{
    internal TemplateError(string description, int column, string? hint)
        : this(Compose(description, column, hint), column)
    {
        Description = description;
        Hint = hint;
    }

    internal string Description { get; } = "";

    internal string? Hint { get; }

    public override string ToString() => Message;

    /// <summary>The same error placed <paramref name="offset"/> characters further on (a template inside a JSON string).</summary>
    internal TemplateError Shift(int offset) => new(Description, Column + offset, Hint);

    private static string Compose(string description, int column, string? hint) =>
        hint is null ? $"{description} at column {column}" : $"{description} at column {column}; {hint}";
}
