namespace IngestLayer.Pipelines.Filters;

/// <summary>Writes an expression back as canonical filter text (what tests compare and what a UI can show).</summary>
internal static class FilterFormatter
{
    public static string Format(FilterExpression expression) => expression switch
    {
        OrExpression or => $"{Format(or.Left)} or {Format(or.Right)}",
        AndExpression and => $"{Operand(and.Left, 1)} and {Operand(and.Right, 1)}",
        NotExpression not => $"not {Operand(not.Operand, 2)}",
        ComparisonExpression c => $"{c.Field} {Symbol(c.Operator)} {c.Value}",
        InExpression i => $"{i.Field} {(i.Negated ? "not in" : "in")} [{string.Join(", ", i.Values)}]",
        InListExpression l => $"{l.Field} {(l.Negated ? "not in" : "in")} list({StringLiteral.Quote(l.ListName)})",
        ContainsExpression c => $"{c.Field} {(c.Negated ? "not contains" : "contains")} {c.Value}",
        StartsWithExpression s => $"{s.Field} {(s.Negated ? "not starts_with" : "starts_with")} {s.Prefix}",
        ExistsExpression e => $"{e.Field} {(e.Negated ? "not exists" : "exists")}",
        _ => throw new ArgumentOutOfRangeException(nameof(expression), expression.GetType().Name, "unknown expression node"),
    };

    public static string Symbol(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "==",
        ComparisonOperator.NotEqual => "!=",
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        _ => ">=",
    };

    // Binding strength: or 0, and 1, not 2; a child that binds looser than its place needs parentheses.
    private static string Operand(FilterExpression child, int place)
    {
        var strength = child switch
        {
            OrExpression => 0,
            AndExpression => 1,
            _ => 2,
        };
        return strength < place ? $"({Format(child)})" : Format(child);
    }
}
