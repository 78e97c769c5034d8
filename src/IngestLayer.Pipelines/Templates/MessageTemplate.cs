using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace IngestLayer.Pipelines.Templates;

/// <summary>
/// A message template: text with placeholders <c>$event.name</c>, <c>$event.properties.$current_url</c>,
/// <c>$user.email</c>, <c>$account.owner_channel</c>, or braced <c>${account.name}</c> (for a placeholder followed by
/// a letter or digit, or a key with a dash). <c>$$</c> is a dollar; a <c>$</c> not followed by a letter is kept as it is.
/// Placeholders are resolved when parsing (an unknown one is an error); a field that is missing when rendering
/// renders as nothing.
/// </summary>
public sealed class MessageTemplate
{
    private const string RootHint = "placeholders start with $event., $user. or $account.";

    private readonly object[] _parts;

    private MessageTemplate(string text, object[] parts, IReadOnlyList<string> placeholders)
    {
        Text = text;
        _parts = parts;
        Placeholders = placeholders;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>The field paths the template reads, in order (<c>event.properties.url</c>, <c>user.email</c>).</summary>
    public IReadOnlyList<string> Placeholders { get; }

    /// <summary>Whether the template is exactly one placeholder (a JSON template then keeps the value's type).</summary>
    internal Field? Single => _parts is [Field only] ? only : null;

    /// <summary>Parses a template, throwing <see cref="FormatException"/> with the <see cref="TemplateError"/> message when it is refused.</summary>
    public static MessageTemplate Parse(string text) =>
        TryParse(text, out var template, out var error) ? template : throw new FormatException(error.Message);

    public static bool TryParse(string text, [NotNullWhen(true)] out MessageTemplate? template, [NotNullWhen(false)] out TemplateError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        template = null;
        var parts = new List<object>();
        var placeholders = new List<string>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c != '$' || !(next == '$' || next == '{' || char.IsAsciiLetter(next) || next == '_'))
            {
                literal.Append(c);
                i++;
                continue;
            }

            if (next == '$')
            {
                literal.Append('$');
                i += 2;
                continue;
            }

            var column = i + 1;
            string path;
            if (next == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    error = new TemplateError("unterminated \"${\"", column, "close it with \"}\"");
                    return false;
                }

                path = text[(i + 2)..close].Trim();
                if (path.Length == 0)
                {
                    error = new TemplateError("empty placeholder \"${}\"", column, RootHint);
                    return false;
                }

                i = close + 1;
            }
            else
            {
                var end = i + 1;
                while (end < text.Length && IsPathPart(text[end]))
                {
                    end++;
                }

                // A dot continues the path only when a key follows it: "Hi $user.name." ends the sentence.
                while (end + 1 < text.Length && text[end] == '.' && IsPathPart(text[end + 1]))
                {
                    end += 2;
                    while (end < text.Length && IsPathPart(text[end]))
                    {
                        end++;
                    }
                }

                path = text[(i + 1)..end];
                i = end;
            }

            var root = path.Split('.')[0];
            if (root is not ("event" or "user" or "account"))
            {
                error = new TemplateError($"unknown placeholder \"${path}\"", column, RootHint);
                return false;
            }

            if (!FieldResolver.TryResolve(path, out var field, out var problem))
            {
                var description = problem.Description.StartsWith("field \"", StringComparison.Ordinal) || problem.Description.StartsWith("unknown field \"", StringComparison.Ordinal)
                    ? problem.Description.Replace("field \"", "placeholder \"$", StringComparison.Ordinal)
                    : problem.Description;
                error = new TemplateError(description, column, problem.Hint);
                return false;
            }

            if (literal.Length > 0)
            {
                parts.Add(literal.ToString());
                literal.Clear();
            }

            parts.Add(field);
            placeholders.Add(path);
        }

        if (literal.Length > 0)
        {
            parts.Add(literal.ToString());
        }

        error = null;
        template = new MessageTemplate(text, [.. parts], placeholders);
        return true;
    }

    /// <summary>Renders the template for one event; missing fields render as nothing.</summary>
    public string Render(FilterContext context)
    {
        if (_parts is [string only])
        {
            return only;
        }

        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            text.Append(part as string ?? ((Field)part).Text(context));
        }

        return text.ToString();
    }

    public override string ToString() => Text;

    private static bool IsPathPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$';
}
