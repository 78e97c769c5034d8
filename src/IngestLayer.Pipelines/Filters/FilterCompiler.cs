using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IngestLayer.Pipelines.Lists;

namespace IngestLayer.Pipelines.Filters;

/// <summary>
/// Checks a parsed filter against the fields, their types and the named lists, and compiles it to delegates.
/// Semantics (README, "Filter language"): a missing field fails every comparison, so <c>!=</c>, <c>not in</c> and
/// the other negated forms, being exact negations, hold for it; numbers compare numerically, strings ordinally.
/// </summary>
public static class FilterCompiler
{
    // Up to this many strings a loop of ordinal compares beats hashing.
    private const int LinearListLimit = 8;

    /// <summary>
    /// Parses and compiles filter text. <c>list("name")</c> is resolved through <paramref name="lists"/>, where an
    /// unknown name is an error; without a resolver every list is empty (<see cref="CompiledFilter.ListNames"/> says which were named).
    /// </summary>
    public static bool TryCompile(string text, INamedLists? lists, [NotNullWhen(true)] out CompiledFilter? filter, [NotNullWhen(false)] out FilterError? error)
    {
        filter = null;
        return FilterParser.TryParse(text, out var expression, out error) && TryCompile(expression, lists, out filter, out error);
    }

    /// <summary>Compiles a parsed filter.</summary>
    public static bool TryCompile(FilterExpression expression, INamedLists? lists, [NotNullWhen(true)] out CompiledFilter? filter, [NotNullWhen(false)] out FilterError? error)
    {
        var compiler = new Compiler(lists);
        try
        {
            var predicate = compiler.Compile(expression);
            filter = new CompiledFilter(expression, predicate, compiler.ListNames);
            error = null;
            return true;
        }
        catch (CompileException e)
        {
            filter = null;
            error = e.Error;
            return false;
        }
    }

    private sealed class CompileException(FilterError error) : Exception(error.Message)
    {
        public FilterError Error { get; } = error;
    }

    private sealed class Compiler(INamedLists? lists)
    {
        private readonly List<string> _listNames = [];

        public IReadOnlyList<string> ListNames => _listNames;

        public Func<FilterContext, bool> Compile(FilterExpression expression)
        {
            switch (expression)
            {
                case AndExpression:
                    return Chain(expression, all: true);
                case OrExpression:
                    return Chain(expression, all: false);

                case NotExpression not:
                    return Negate(Compile(not.Operand), true);
                case ComparisonExpression comparison:
                    return comparison.Operator switch
                    {
                        ComparisonOperator.Equal => Equality(Resolve(comparison.Field), comparison.Value),
                        ComparisonOperator.NotEqual => Negate(Equality(Resolve(comparison.Field), comparison.Value), true),
                        _ => Ordering(Resolve(comparison.Field), comparison.Operator, comparison.Value),
                    };
                case InExpression @in:
                    return Negate(In(Resolve(@in.Field), @in.Values), @in.Negated);
                case InListExpression inList:
                    return Negate(InList(Resolve(inList.Field), inList), inList.Negated);
                case ContainsExpression contains:
                    return Negate(Contains(Resolve(contains.Field), contains.Value), contains.Negated);
                case StartsWithExpression startsWith:
                    return Negate(StartsWith(Resolve(startsWith.Field), startsWith.Prefix), startsWith.Negated);
                case ExistsExpression exists:
                    return Negate(Exists(Resolve(exists.Field)), exists.Negated);
                default:
                    throw new ArgumentOutOfRangeException(nameof(expression), expression.GetType().Name, "unknown expression node");
            }
        }

        // A run of ands (or ors) is compiled in the order written, so errors come in that order, then evaluated
        // cheapest first: the clauses have no side effects and a missing field is simply false, so the order
        // cannot change the answer, only how soon it is known. Reading the event's properties is what costs (a
        // scan of its JSON); envelope fields, enriched fields and lists are reads of objects in memory. So
        // "properties.plan == "free" and account.id in list("vip")" rarely scans anything.
        private Func<FilterContext, bool> Chain(FilterExpression expression, bool all)
        {
            var operands = new List<FilterExpression>();
            Flatten(expression, all, operands);
            var compiled = operands.Select(o => (Predicate: Compile(o), Cost: ReadsProperties(o) ? 1 : 0)).ToList();
            var ordered = compiled.OrderBy(x => x.Cost).Select(x => x.Predicate).ToArray(); // stable: ties keep the written order
            if (ordered.Length == 2)
            {
                return Pair(ordered[0], ordered[1], all);
            }

            // Loops, not Array.TrueForAll with a lambda: that lambda would capture the context, an allocation per event.
            if (all)
            {
                return c =>
                {
                    foreach (var p in ordered)
                    {
                        if (!p(c))
                        {
                            return false;
                        }
                    }

                    return true;
                };
            }

            return c =>
            {
                foreach (var p in ordered)
                {
                    if (p(c))
                    {
                        return true;
                    }
                }

                return false;
            };
        }

        private static Func<FilterContext, bool> Pair(Func<FilterContext, bool> first, Func<FilterContext, bool> second, bool all) =>
            all ? c => first(c) && second(c) : c => first(c) || second(c);

        private static void Flatten(FilterExpression expression, bool all, List<FilterExpression> operands)
        {
            switch (expression)
            {
                case AndExpression both when all:
                    Flatten(both.Left, all, operands);
                    Flatten(both.Right, all, operands);
                    break;
                case OrExpression either when !all:
                    Flatten(either.Left, all, operands);
                    Flatten(either.Right, all, operands);
                    break;
                default:
                    operands.Add(expression);
                    break;
            }
        }

        private static bool ReadsProperties(FilterExpression expression) => expression switch
        {
            AndExpression both => ReadsProperties(both.Left) || ReadsProperties(both.Right),
            OrExpression either => ReadsProperties(either.Left) || ReadsProperties(either.Right),
            NotExpression not => ReadsProperties(not.Operand),
            ComparisonExpression x => IsProperty(x.Field),
            InExpression x => IsProperty(x.Field),
            InListExpression x => IsProperty(x.Field),
            ContainsExpression x => IsProperty(x.Field),
            StartsWithExpression x => IsProperty(x.Field),
            ExistsExpression x => IsProperty(x.Field),
            _ => true,
        };

        private static bool IsProperty(FieldReference reference) =>
            FieldResolver.TryResolve(reference.Path, out var field, out _) && field is PropertyField;

        private static Func<FilterContext, bool> Negate(Func<FilterContext, bool> predicate, bool negated) =>
            negated ? c => !predicate(c) : predicate;

        private static (Field Field, int Column) Resolve(FieldReference reference) =>
            FieldResolver.TryResolve(reference.Path, out var field, out var problem)
                ? (field, reference.Column)
                : throw new CompileException(new FilterError(problem.At(reference.Column), reference.Column, []));

        private static Func<FilterContext, bool> Equality((Field Field, int Column) target, FilterLiteral literal)
        {
            switch (target.Field)
            {
                case TextField text:
                {
                    var read = text.Read;
                    if (literal is StringLiteral s)
                    {
                        CheckAllowed(text, s);
                        var value = s.Value;
                        return c => string.Equals(read(c), value, StringComparison.Ordinal);
                    }

                    if (!text.Untyped)
                    {
                        throw Expected("a string", $"{text.Path} is text", literal);
                    }

                    if (literal is NumberLiteral n)
                    {
                        var number = n.Value;
                        return c => TryNumber(read(c), out var x) && x == number;
                    }

                    var truth = ((BoolLiteral)literal).Value ? "true" : "false";
                    return c => string.Equals(read(c), truth, StringComparison.Ordinal);
                }

                case NumberField numeric:
                {
                    var read = numeric.Read;
                    var number = Number(numeric, literal);
                    return c => read(c) is { } x && x == number;
                }

                case TimestampField time:
                {
                    var instant = Date(time, literal);
                    return c => c.Event.Timestamp == instant;
                }

                default:
                {
                    var property = (PropertyField)target.Field;
                    var matches = JsonEquality(literal);
                    return c => matches(property.Read(c));
                }
            }
        }

        private static Func<FilterContext, bool> Ordering((Field Field, int Column) target, ComparisonOperator op, FilterLiteral literal)
        {
            switch (target.Field)
            {
                case TextField text when literal is StringLiteral s:
                {
                    var read = text.Read;
                    var value = s.Value;
                    return c => read(c) is { } x && Holds(op, string.CompareOrdinal(x, value));
                }

                case TextField { Untyped: true } trait when literal is NumberLiteral n:
                {
                    var read = trait.Read;
                    var number = n.Value;
                    return c => TryNumber(read(c), out var x) && Holds(op, x.CompareTo(number));
                }

                case TextField text:
                    throw literal is BoolLiteral
                        ? Expected("a number or a string", $"{FilterFormatter.Symbol(op)} orders values", literal)
                        : Expected("a string", $"{text.Path} is text", literal);
                case NumberField numeric:
                {
                    var read = numeric.Read;
                    var number = Number(numeric, literal);
                    return c => read(c) is { } x && Holds(op, ((double)x).CompareTo(number));
                }

                case TimestampField time:
                {
                    var instant = Date(time, literal);
                    return c => Holds(op, c.Event.Timestamp.CompareTo(instant));
                }

                default:
                {
                    var property = (PropertyField)target.Field;
                    switch (literal)
                    {
                        case NumberLiteral n:
                        {
                            var number = n.Value;
                            return c => property.Read(c).TryGetNumber(out var x) && Holds(op, x.CompareTo(number));
                        }

                        case StringLiteral s:
                        {
                            var value = s.Value;
                            return c => property.Read(c).GetString() is { } x && Holds(op, string.CompareOrdinal(x, value));
                        }

                        default:
                            throw Expected("a number or a string", $"{FilterFormatter.Symbol(op)} orders values", literal);
                    }
                }
            }
        }

        private static Func<FilterContext, bool> In((Field Field, int Column) target, IReadOnlyList<FilterLiteral> values)
        {
            if (target.Field is TextField text && values.All(v => v is StringLiteral))
            {
                var strings = values.Cast<StringLiteral>().Select(s =>
                {
                    CheckAllowed(text, s);
                    return s.Value;
                }).Distinct(StringComparer.Ordinal).ToArray();
                var read = text.Read;
                if (strings.Length > LinearListLimit)
                {
                    var set = strings.ToFrozenSet(StringComparer.Ordinal);
                    return c => read(c) is { } x && set.Contains(x);
                }

                return c => read(c) is { } x && Array.IndexOf(strings, x) >= 0;
            }

            if (target.Field is PropertyField property)
            {
                var matchers = values.Select(JsonEquality).ToArray();
                return c =>
                {
                    var value = property.Read(c);
                    foreach (var matches in matchers)
                    {
                        if (matches(value))
                        {
                            return true;
                        }
                    }

                    return false;
                };
            }

            var each = values.Select(v => Equality(target, v)).ToArray();
            return c =>
            {
                foreach (var matches in each)
                {
                    if (matches(c))
                    {
                        return true;
                    }
                }

                return false;
            };
        }

        private Func<FilterContext, bool> InList((Field Field, int Column) target, InListExpression inList)
        {
            if (target.Field is not (TextField or PropertyField))
            {
                throw DoesNotApply("in list", target);
            }

            var list = lists is null
                ? new NamedList(inList.ListName)
                : lists.Find(inList.ListName) ?? throw new CompileException(FilterError.At($"unknown list \"{inList.ListName}\"", inList.ListColumn));
            if (!_listNames.Contains(inList.ListName))
            {
                _listNames.Add(inList.ListName);
            }

            switch (target.Field)
            {
                case TextField text:
                {
                    var read = text.Read;
                    return c => read(c) is { } x && list.Contains(x);
                }

                default:
                {
                    // Strings by value, numbers by their JSON text: lists are uploaded as text.
                    var property = (PropertyField)target.Field;
                    return c => property.Read(c) is { Type: JsonTokenType.String or JsonTokenType.Number } value && list.Contains(value.GetText()!);
                }
            }
        }

        private static Func<FilterContext, bool> Contains((Field Field, int Column) target, FilterLiteral literal)
        {
            switch (target.Field)
            {
                case TextField text when literal is StringLiteral s:
                {
                    var read = text.Read;
                    var value = s.Value;
                    return c => read(c) is { } x && x.Contains(value, StringComparison.Ordinal);
                }

                case TextField text:
                    throw Expected("a string", $"{text.Path} is text", literal);
                case PropertyField property:
                {
                    var element = JsonEquality(literal);
                    if (literal is StringLiteral s)
                    {
                        var value = s.Value;
                        var utf8 = Encoding.UTF8.GetBytes(value);
                        return c =>
                        {
                            var v = property.Read(c);
                            return v.Type == JsonTokenType.String ? v.StringContains(utf8, value) : AnyElement(v, element);
                        };
                    }

                    return c => AnyElement(property.Read(c), element);
                }

                default:
                    throw DoesNotApply("contains", target);
            }
        }

        private static Func<FilterContext, bool> StartsWith((Field Field, int Column) target, StringLiteral prefix)
        {
            var value = prefix.Value;
            switch (target.Field)
            {
                case TextField text:
                {
                    var read = text.Read;
                    return c => read(c) is { } x && x.StartsWith(value, StringComparison.Ordinal);
                }

                case PropertyField property:
                {
                    var utf8 = Encoding.UTF8.GetBytes(value);
                    return c => property.Read(c).StringStartsWith(utf8, value);
                }

                default:
                    throw DoesNotApply("starts_with", target);
            }
        }

        private static Func<FilterContext, bool> Exists((Field Field, int Column) target)
        {
            switch (target.Field)
            {
                case TextField text:
                {
                    var read = text.Read;
                    return c => read(c) is not null;
                }

                case NumberField numeric:
                {
                    var read = numeric.Read;
                    return c => read(c) is not null;
                }

                case PropertyField property:
                    return c => property.Read(c).Exists;
                default:
                    return _ => true;
            }
        }

        private static Func<JsonValue, bool> JsonEquality(FilterLiteral literal)
        {
            switch (literal)
            {
                case StringLiteral s:
                {
                    var value = s.Value;
                    var utf8 = Encoding.UTF8.GetBytes(value);
                    return v => v.StringEquals(utf8, value);
                }

                case NumberLiteral n:
                {
                    var number = n.Value;
                    return v => v.TryGetNumber(out var x) && x == number;
                }

                default:
                {
                    var truth = ((BoolLiteral)literal).Value;
                    var type = truth ? JsonTokenType.True : JsonTokenType.False;
                    var utf8 = truth ? "true"u8.ToArray() : "false"u8.ToArray();
                    var text = truth ? "true" : "false";
                    return v => v.Type == type || v.StringEquals(utf8, text);
                }
            }
        }

        private static bool AnyElement(JsonValue value, Func<JsonValue, bool> matches)
        {
            if (value.Type != JsonTokenType.StartArray)
            {
                return false;
            }

            foreach (var element in value.Elements())
            {
                if (matches(element))
                {
                    return true;
                }
            }

            return false;
        }

        private static void CheckAllowed(TextField field, StringLiteral literal)
        {
            if (field.Allowed is { } allowed && !allowed.Contains(literal.Value))
            {
                throw Expected(FilterParser.Alternatives([.. allowed.Select(a => $"\"{a}\"")]), $"{field.Path} is one of these", literal);
            }
        }

        private static double Number(NumberField field, FilterLiteral literal) =>
            literal is NumberLiteral n ? n.Value : throw Expected("a number", $"{field.Path} is a number", literal);

        private static DateTimeOffset Date(TimestampField field, FilterLiteral literal) =>
            literal is StringLiteral s && DateTimeOffset.TryParse(s.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
                ? instant
                : throw Expected("a date such as \"2026-11-30T09:00:00Z\"", $"{field.Path} is a date", literal);

        private static bool TryNumber(string? text, out double number) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number);

        private static bool Holds(ComparisonOperator op, int comparison) => op switch
        {
            ComparisonOperator.Less => comparison < 0,
            ComparisonOperator.LessOrEqual => comparison <= 0,
            ComparisonOperator.Greater => comparison > 0,
            _ => comparison >= 0,
        };

        private static CompileException Expected(string expected, string because, FilterLiteral found) =>
            new(new FilterError($"expected {expected} at column {found.Column} ({because}), found {found}", found.Column, [expected]));

        private static CompileException DoesNotApply(string operation, (Field Field, int Column) target)
        {
            var type = target.Field is NumberField ? "a number" : "a date";
            return new(FilterError.At($"\"{operation}\" does not apply to {target.Field.Path} ({type})", target.Column));
        }
    }
}
