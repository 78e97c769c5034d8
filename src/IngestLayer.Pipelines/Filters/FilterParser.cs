using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Superpower;
using Superpower.Model;
using Superpower.Parsers;

namespace IngestLayer.Pipelines.Filters;

/// <summary>
/// Parses filter text into a <see cref="FilterExpression"/> (Superpower combinators over <see cref="FilterToken"/>s).
/// Precedence: <c>not</c> binds tighter than <c>and</c>, which binds tighter than <c>or</c>; parentheses group.
/// Parsing only checks syntax: <see cref="FilterCompiler"/> checks fields, types and lists.
/// </summary>
public static class FilterParser
{
    private static readonly string[] ListContinuation = ["\"]\"", "\",\""];

    private static readonly TokenListParser<FilterToken, FieldReference> Field =
        Token.EqualTo(FilterToken.Field).Select(t => new FieldReference(t.ToStringValue(), t.Position.Column));

    private static readonly TokenListParser<FilterToken, StringLiteral> String =
        Token.EqualTo(FilterToken.String).Select(t => new StringLiteral(Unescape(t.Span.ToStringValue()), t.Position.Column));

    private static readonly TokenListParser<FilterToken, FilterLiteral> Literal =
        String.Select(s => (FilterLiteral)s)
            .Or(Token.EqualTo(FilterToken.Number).Select(t => (FilterLiteral)new NumberLiteral(double.Parse(t.ToStringValue(), NumberStyles.Float, CultureInfo.InvariantCulture), t.Position.Column)))
            .Or(Token.EqualTo(FilterToken.True).Select(t => (FilterLiteral)new BoolLiteral(true, t.Position.Column)))
            .Or(Token.EqualTo(FilterToken.False).Select(t => (FilterLiteral)new BoolLiteral(false, t.Position.Column)));

    private static readonly TokenListParser<FilterToken, ComparisonOperator> Comparison =
        Token.EqualTo(FilterToken.Equal).Value(ComparisonOperator.Equal)
            .Or(Token.EqualTo(FilterToken.NotEqual).Value(ComparisonOperator.NotEqual))
            .Or(Token.EqualTo(FilterToken.Less).Value(ComparisonOperator.Less))
            .Or(Token.EqualTo(FilterToken.LessOrEqual).Value(ComparisonOperator.LessOrEqual))
            .Or(Token.EqualTo(FilterToken.Greater).Value(ComparisonOperator.Greater))
            .Or(Token.EqualTo(FilterToken.GreaterOrEqual).Value(ComparisonOperator.GreaterOrEqual));

    private static readonly TokenListParser<FilterToken, FilterLiteral[]> ValueList =
        Token.EqualTo(FilterToken.LBracket).IgnoreThen(Literal).Then(ListRest);

    private static readonly TokenListParser<FilterToken, StringLiteral> NamedList =
        Token.EqualTo(FilterToken.List)
            .IgnoreThen(Token.EqualTo(FilterToken.LParen))
            .IgnoreThen(String)
            .Then(name => Token.EqualTo(FilterToken.RParen).Value(name));

    private static readonly TokenListParser<FilterToken, FilterExpression> Predicate =
        Field.Then(field => Operation(field).Named("an operator (==, !=, <, <=, >, >=, in, not, contains, starts_with, exists)"));

    private static readonly TokenListParser<FilterToken, FilterExpression> Primary =
        Predicate.Or(
            Token.EqualTo(FilterToken.LParen)
                .IgnoreThen(Parse.Ref(() => Expression!))
                .Then(inner => Token.EqualTo(FilterToken.RParen).Value(inner)));

    private static readonly TokenListParser<FilterToken, FilterExpression> Unary =
        Primary.Or(Token.EqualTo(FilterToken.Not).IgnoreThen(Parse.Ref(() => Unary!)).Select(e => (FilterExpression)new NotExpression(e)));

    private static readonly TokenListParser<FilterToken, FilterExpression> Conjunction =
        Parse.Chain(Token.EqualTo(FilterToken.And), Unary, (_, left, right) => new AndExpression(left, right));

    private static readonly TokenListParser<FilterToken, FilterExpression> Expression =
        Parse.Chain(Token.EqualTo(FilterToken.Or), Conjunction, (_, left, right) => new OrExpression(left, right));

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what was expected where.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out FilterExpression? expression, [NotNullWhen(false)] out FilterError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        expression = null;

        // Line breaks are blanks in a filter; flattening them keeps one column count over the whole text.
        var flat = string.Create(text.Length, text, static (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = source[i] is '\r' or '\n' ? ' ' : source[i];
            }
        });

        var tokens = FilterTokenizer.Instance.TryTokenize(flat);
        if (!tokens.HasValue)
        {
            error = FilterError.At(tokens.ErrorMessage ?? "unexpected input", tokens.ErrorPosition.Column);
            return false;
        }

        var result = Expression(tokens.Value);
        if (!result.HasValue)
        {
            error = Expected(result.Expectations ?? [], result.ErrorMessage, result.Remainder, flat);
            return false;
        }

        if (!result.Remainder.IsAtEnd)
        {
            error = Expected(["\"and\"", "\"or\"", "end of input"], null, result.Remainder, flat);
            return false;
        }

        error = null;
        expression = result.Value;
        return true;
    }

    private static FilterError Expected(string[] expectations, string? message, TokenList<FilterToken> at, string text)
    {
        var next = at.ConsumeToken();
        var column = next.HasValue ? next.Value.Position.Column : text.Length + 1;
        var found = next.HasValue ? Found(next.Value) : "end of input";
        var what = expectations.Length > 0 ? "expected " + Alternatives(expectations) : message ?? "unexpected input";
        return new FilterError($"{what} at column {column}, found {found}", column, expectations);
    }

    private static string Found(Token<FilterToken> token)
    {
        // A string is shown by its raw content (as written, escapes and all), in double quotes like everything else.
        var text = token.ToStringValue();
        if (token.Kind == FilterToken.String)
        {
            text = text[1..^1];
        }

        return text.Length > 24 ? $"\"{text[..21]}...\"" : $"\"{text}\"";
    }

    internal static string Alternatives(IReadOnlyList<string> items) => items.Count switch
    {
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + " or " + items[^1],
    };

    private static TokenListParser<FilterToken, FilterExpression> Operation(FieldReference field) =>
        Comparison.Then(op => Literal.Select(value => (FilterExpression)new ComparisonExpression(field, op, value)))
            .Or(Token.EqualTo(FilterToken.In).IgnoreThen(Membership(field, negated: false)))
            .Or(Token.EqualTo(FilterToken.Not).IgnoreThen(Negatable(field, negated: true)))
            .Or(Negatable(field, negated: false));

    private static TokenListParser<FilterToken, FilterExpression> Negatable(FieldReference field, bool negated)
    {
        var operations = Token.EqualTo(FilterToken.Contains).IgnoreThen(Literal).Select(value => (FilterExpression)new ContainsExpression(field, value, negated))
            .Or(Token.EqualTo(FilterToken.StartsWith).IgnoreThen(String).Select(prefix => (FilterExpression)new StartsWithExpression(field, prefix, negated)))
            .Or(Token.EqualTo(FilterToken.Exists).Value((FilterExpression)new ExistsExpression(field, negated)));
        return negated ? Token.EqualTo(FilterToken.In).IgnoreThen(Membership(field, negated)).Or(operations) : operations;
    }

    private static TokenListParser<FilterToken, FilterExpression> Membership(FieldReference field, bool negated) =>
        ValueList.Select(values => (FilterExpression)new InExpression(field, values, negated))
            .Or(NamedList.Select(name => (FilterExpression)new InListExpression(field, name.Value, name.Column, negated)));

    // After the first value of [..]: more values after commas, then "]". Written out so that a missing
    // comma or bracket reports both as expected (Superpower's delimited combinators report only one).
    private static TokenListParser<FilterToken, FilterLiteral[]> ListRest(FilterLiteral first) => input =>
    {
        var values = new List<FilterLiteral> { first };
        var rest = input;
        while (true)
        {
            var next = rest.ConsumeToken();
            if (next.HasValue && next.Value.Kind == FilterToken.RBracket)
            {
                return TokenListParserResult.Value(values.ToArray(), input, next.Remainder);
            }

            if (!next.HasValue || next.Value.Kind != FilterToken.Comma)
            {
                return TokenListParserResult.Empty<FilterToken, FilterLiteral[]>(rest, ListContinuation);
            }

            var value = Literal(next.Remainder);
            if (!value.HasValue)
            {
                return TokenListParserResult.CastEmpty<FilterToken, FilterLiteral, FilterLiteral[]>(value);
            }

            values.Add(value.Value);
            rest = value.Remainder;
        }
    };

    private static string Unescape(string quoted)
    {
        var text = new StringBuilder(quoted.Length);
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            var c = quoted[i];
            if (c != '\\')
            {
                text.Append(c);
                continue;
            }

            c = quoted[++i];
            if (c == 'u')
            {
                text.Append((char)int.Parse(quoted.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 4;
                continue;
            }

            text.Append(c switch
            {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                _ => c,
            });
        }

        return text.ToString();
    }
}
