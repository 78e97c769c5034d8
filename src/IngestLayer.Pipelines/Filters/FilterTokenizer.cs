using Superpower;
using Superpower.Model;

namespace IngestLayer.Pipelines.Filters;

/// <summary>
/// Hand-written rather than built with <c>TokenizerBuilder</c> so that a bad character, an unterminated string
/// or a C-style operator gets a message of its own instead of a generic "unexpected".
/// </summary>
internal sealed class FilterTokenizer : Tokenizer<FilterToken>
{
    public static readonly FilterTokenizer Instance = new();

    private static readonly Dictionary<string, FilterToken> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["and"] = FilterToken.And,
        ["or"] = FilterToken.Or,
        ["not"] = FilterToken.Not,
        ["in"] = FilterToken.In,
        ["contains"] = FilterToken.Contains,
        ["starts_with"] = FilterToken.StartsWith,
        ["exists"] = FilterToken.Exists,
        ["list"] = FilterToken.List,
        ["true"] = FilterToken.True,
        ["false"] = FilterToken.False,
    };

    protected override IEnumerable<Result<FilterToken>> Tokenize(TextSpan span)
    {
        var rest = span;
        while (true)
        {
            var blank = 0;
            while (blank < rest.Length && char.IsWhiteSpace(rest[blank]))
            {
                blank++;
            }

            rest = rest.Skip(blank);
            if (rest.IsAtEnd)
            {
                yield break;
            }

            var (kind, length, error, errorAt) = Next(rest);
            if (error is not null)
            {
                yield return Result.Empty<FilterToken>(rest.Skip(errorAt), error);
                yield break;
            }

            var next = rest.Skip(length);
            yield return Result.Value(kind, rest, next);
            rest = next;
        }
    }

    private static (FilterToken Kind, int Length, string? Error, int ErrorAt) Next(TextSpan s)
    {
        var c = s[0];
        char At(int i) => i < s.Length ? s[i] : '\0';
        switch (c)
        {
            case '(': return (FilterToken.LParen, 1, null, 0);
            case ')': return (FilterToken.RParen, 1, null, 0);
            case '[': return (FilterToken.LBracket, 1, null, 0);
            case ']': return (FilterToken.RBracket, 1, null, 0);
            case ',': return (FilterToken.Comma, 1, null, 0);
            case '<': return At(1) == '=' ? (FilterToken.LessOrEqual, 2, null, 0) : (FilterToken.Less, 1, null, 0);
            case '>': return At(1) == '=' ? (FilterToken.GreaterOrEqual, 2, null, 0) : (FilterToken.Greater, 1, null, 0);
            case '=': return At(1) == '=' ? (FilterToken.Equal, 2, null, 0) : (default, 0, "\"=\" is not an operator; use \"==\"", 0);
            case '!': return At(1) == '=' ? (FilterToken.NotEqual, 2, null, 0) : (default, 0, "\"!\" is not an operator; use \"not\" or \"!=\"", 0);
            case '&' when At(1) == '&': return (default, 0, "\"&&\" is not an operator; use \"and\"", 0);
            case '|' when At(1) == '|': return (default, 0, "\"||\" is not an operator; use \"or\"", 0);
            case '"' or '\'': return String(s, c);
        }

        if (char.IsAsciiDigit(c) || (c == '-' && char.IsAsciiDigit(At(1))))
        {
            return Number(s);
        }

        if (IsFieldStart(c))
        {
            return Field(s);
        }

        return (default, 0, $"unexpected character \"{c}\"", 0);
    }

    private static (FilterToken, int, string?, int) String(TextSpan s, char quote)
    {
        for (var i = 1; i < s.Length; i++)
        {
            if (s[i] == quote)
            {
                return (FilterToken.String, i + 1, null, 0);
            }

            if (s[i] == '\\')
            {
                var escaped = i + 1 < s.Length ? s[i + 1] : '\0';
                if (escaped == 'u')
                {
                    var hex = 0;
                    while (hex < 4 && i + 2 + hex < s.Length && char.IsAsciiHexDigit(s[i + 2 + hex]))
                    {
                        hex++;
                    }

                    if (hex < 4)
                    {
                        return (default, 0, "\"\\u\" needs four hex digits", i);
                    }

                    i += 5;
                }
                else if (escaped is '"' or '\'' or '\\' or '/' or 'n' or 't' or 'r')
                {
                    i++;
                }
                else
                {
                    var shown = escaped == '\0' ? "" : escaped.ToString();
                    return (default, 0, $"unknown escape \"\\{shown}\" in a string (use \\\", \\', \\\\, \\n, \\t, \\r or \\uXXXX)", i);
                }
            }
        }

        return (default, 0, "unterminated string", 0);
    }

    private static (FilterToken, int, string?, int) Number(TextSpan s)
    {
        var i = s[0] == '-' ? 1 : 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        if (i < s.Length && s[i] == '.')
        {
            var fraction = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == fraction)
            {
                return (default, 0, "a number needs digits after \".\"", 0);
            }
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }

            var exponent = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == exponent)
            {
                return (default, 0, "a number needs digits in its exponent", 0);
            }
        }

        if (i < s.Length && (IsFieldPart(s[i]) || s[i] == '.'))
        {
            return (default, 0, "a number cannot run into letters or dots", 0);
        }

        return (FilterToken.Number, i, null, 0);
    }

    private static (FilterToken, int, string?, int) Field(TextSpan s)
    {
        var i = 1;
        while (true)
        {
            while (i < s.Length && IsFieldPart(s[i]))
            {
                i++;
            }

            if (i >= s.Length || s[i] != '.')
            {
                break;
            }

            // A segment after a dot may start with a digit (properties.2fa, properties.items.0).
            if (i + 1 >= s.Length || !(IsFieldPart(s[i + 1]) && s[i + 1] != '-'))
            {
                return (default, 0, "expected a field name after \".\"", i + 1);
            }

            i += 2;
        }

        var word = s.First(i).ToStringValue();
        return (Keywords.TryGetValue(word, out var keyword) ? keyword : FilterToken.Field, i, null, 0);
    }

    internal static bool IsFieldStart(char c) => char.IsAsciiLetter(c) || c is '_' or '$';

    internal static bool IsFieldPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '-';
}
