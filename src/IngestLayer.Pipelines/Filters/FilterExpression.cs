using System.Globalization;
using System.Text;

namespace IngestLayer.Pipelines.Filters;

/// <summary>
/// A parsed filter. Nodes carry the 1-based column they start at so that compile-time checks can point at it;
/// <see cref="ToString"/> gives the normalised text (one space between tokens, parentheses only where needed).
/// </summary>
public abstract record FilterExpression
{
    public sealed override string ToString() => FilterFormatter.Format(this);
}

/// <summary><c>left and right</c>.</summary>
public sealed record AndExpression(FilterExpression Left, FilterExpression Right) : FilterExpression;

/// <summary><c>left or right</c>.</summary>
public sealed record OrExpression(FilterExpression Left, FilterExpression Right) : FilterExpression;

/// <summary><c>not operand</c>.</summary>
public sealed record NotExpression(FilterExpression Operand) : FilterExpression;

/// <summary><c>field == value</c> and the other comparisons.</summary>
public sealed record ComparisonExpression(FieldReference Field, ComparisonOperator Operator, FilterLiteral Value) : FilterExpression;

/// <summary><c>field in [a, b]</c> or <c>field not in [a, b]</c>.</summary>
public sealed record InExpression(FieldReference Field, IReadOnlyList<FilterLiteral> Values, bool Negated) : FilterExpression;

/// <summary><c>field in list("name")</c> or <c>field not in list("name")</c>.</summary>
public sealed record InListExpression(FieldReference Field, string ListName, int ListColumn, bool Negated) : FilterExpression;

/// <summary><c>field contains value</c>: a substring of a string or an element of an array.</summary>
public sealed record ContainsExpression(FieldReference Field, FilterLiteral Value, bool Negated) : FilterExpression;

/// <summary><c>field starts_with "prefix"</c>.</summary>
public sealed record StartsWithExpression(FieldReference Field, StringLiteral Prefix, bool Negated) : FilterExpression;

/// <summary><c>field exists</c> or <c>field not exists</c>.</summary>
public sealed record ExistsExpression(FieldReference Field, bool Negated) : FilterExpression;

/// <summary>A field path as written (<c>properties.$current_url</c>) and its column.</summary>
public sealed record FieldReference(string Path, int Column)
{
    public override string ToString() => Path;
}

/// <summary>The comparison operators.</summary>
public enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>A literal value and its column.</summary>
public abstract record FilterLiteral(int Column);

/// <summary>A string literal (unescaped).</summary>
public sealed record StringLiteral(string Value, int Column) : FilterLiteral(Column)
{
    public override string ToString() => Quote(Value);

    internal static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }
}

/// <summary>A number literal.</summary>
public sealed record NumberLiteral(double Value, int Column) : FilterLiteral(Column)
{
    public override string ToString() => Value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary><c>true</c> or <c>false</c>.</summary>
public sealed record BoolLiteral(bool Value, int Column) : FilterLiteral(Column)
{
    public override string ToString() => Value ? "true" : "false";
}
