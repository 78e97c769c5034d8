namespace IngestLayer.Gateway.Parsing;

/// <summary>A validation failure of one field; thrown only inside the parser and turned into a <see cref="RejectedEvent"/>.</summary>
internal sealed class FieldError(string field, string error) : Exception(error)
{
    public string Field { get; } = field;
}
