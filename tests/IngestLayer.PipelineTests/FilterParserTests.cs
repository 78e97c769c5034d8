using IngestLayer.Pipelines.Filters;

namespace IngestLayer.PipelineTests;

public class FilterParserTests
{
    public static TheoryData<string, string> Valid => new()
    {
        { "feature == \"export\"", "feature == \"export\"" },
        { "  feature   ==   'export'  ", "feature == \"export\"" },
        { "feature != \"export\"", "feature != \"export\"" },
        { "properties.count < 10", "properties.count < 10" },
        { "properties.count <= -2.5", "properties.count <= -2.5" },
        { "properties.count > 1e3", "properties.count > 1000" },
        { "properties.count >= 0.5", "properties.count >= 0.5" },
        { "properties.beta == true", "properties.beta == true" },
        { "properties.beta != false", "properties.beta != false" },
        { "feature in [\"export\",\"api\", \"webhook\"]", "feature in [\"export\", \"api\", \"webhook\"]" },
        { "feature not in ['a']", "feature not in [\"a\"]" },
        { "properties.x in [1, \"a\", true]", "properties.x in [1, \"a\", true]" },
        { "account.id in list(\"ada-book\")", "account.id in list(\"ada-book\")" },
        { "account.id not in list('ada-book')", "account.id not in list(\"ada-book\")" },
        { "properties.$current_url contains \"docs\"", "properties.$current_url contains \"docs\"" },
        { "properties.tags not contains 2", "properties.tags not contains 2" },
        { "name starts_with \"$\"", "name starts_with \"$\"" },
        { "name not starts_with \"$\"", "name not starts_with \"$\"" },
        { "user.email exists", "user.email exists" },
        { "user.email not exists", "user.email not exists" },
        { "properties.items.0 == \"x\"", "properties.items.0 == \"x\"" },
        { "properties.utm-source == \"ads\"", "properties.utm-source == \"ads\"" },
        { "properties.q == \"a\\\"b\\\\c\\n\\u00e9\"", "properties.q == \"a\\\"b\\\\cé\"".Replace("cé", "c\\né", StringComparison.Ordinal) },
        { "properties.q == 'it\\'s'", "properties.q == \"it's\"" },
        { "feature == \"a\" AND NOT user.email EXISTS", "feature == \"a\" and not user.email exists" },
        { "feature == \"a\"\nand kind == \"track\"", "feature == \"a\" and kind == \"track\"" },
        { "a exists or b exists and c exists", "a exists or b exists and c exists" },
        { "(a exists or b exists) and c exists", "(a exists or b exists) and c exists" },
        { "(a exists and b exists) or c exists", "a exists and b exists or c exists" },
        { "not (a exists and b exists)", "not (a exists and b exists)" },
        { "not not a exists", "not not a exists" },
        { "((a exists))", "a exists" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void valid_filters_parse_to_their_normalised_text(string text, string normalised)
    {
        Assert.True(FilterParser.TryParse(text, out var expression, out var error), error?.Message);
        Assert.Equal(normalised, expression.ToString());
    }

    [Fact]
    public void not_binds_tighter_than_and_which_binds_tighter_than_or()
    {
        Assert.True(FilterParser.TryParse("not a exists and b exists or c exists and d exists", out var expression, out _));

        var or = Assert.IsType<OrExpression>(expression);
        var left = Assert.IsType<AndExpression>(or.Left);
        Assert.IsType<NotExpression>(left.Left);
        Assert.Equal(new ExistsExpression(new FieldReference("b", 18), false), left.Right);
        Assert.IsType<AndExpression>(or.Right);
    }

    [Fact]
    public void nodes_carry_the_columns_of_their_fields_and_literals()
    {
        Assert.True(FilterParser.TryParse("feature in [\"export\", \"api\"]", out var expression, out _));

        var @in = Assert.IsType<InExpression>(expression);
        Assert.Equal(new FieldReference("feature", 1), @in.Field);
        Assert.Equal([new StringLiteral("export", 13), new StringLiteral("api", 23)], @in.Values);
        Assert.False(@in.Negated);
    }

    public static TheoryData<string, string, int> Errors => new()
    {
        // Tokens.
        { "feature = \"a\"", "\"=\" is not an operator; use \"==\" at column 9", 9 },
        { "feature ! \"a\"", "\"!\" is not an operator; use \"not\" or \"!=\" at column 9", 9 },
        { "a exists && b exists", "\"&&\" is not an operator; use \"and\" at column 10", 10 },
        { "a exists || b exists", "\"||\" is not an operator; use \"or\" at column 10", 10 },
        { "feature == \"abc", "unterminated string at column 12", 12 },
        { "feature == 'a\\q'", "unknown escape \"\\q\" in a string (use \\\", \\', \\\\, \\n, \\t, \\r or \\uXXXX) at column 14", 14 },
        { "feature == \"\\u12\"", "\"\\u\" needs four hex digits at column 13", 13 },
        { "count > 1.", "a number needs digits after \".\" at column 9", 9 },
        { "count > 1e", "a number needs digits in its exponent at column 9", 9 },
        { "count > 12abc", "a number cannot run into letters or dots at column 9", 9 },
        { "properties. == 1", "expected a field name after \".\" at column 12", 12 },
        { "properties..x == 1", "expected a field name after \".\" at column 12", 12 },
        { "feature # 1", "unexpected character \"#\" at column 9", 9 },

        // Grammar.
        { "", "expected a field, \"(\" or \"not\" at column 1, found end of input", 1 },
        { "   ", "expected a field, \"(\" or \"not\" at column 4, found end of input", 4 },
        { "== \"a\"", "expected a field, \"(\" or \"not\" at column 1, found \"==\"", 1 },
        { "feature", "expected an operator (==, !=, <, <=, >, >=, in, not, contains, starts_with, exists) at column 8, found end of input", 8 },
        { "feature ==", "expected a string, a number, \"true\" or \"false\" at column 11, found end of input", 11 },
        { "feature == feature", "expected a string, a number, \"true\" or \"false\" at column 12, found \"feature\"", 12 },
        { "feature in [\"export\" \"api\"]", "expected \"]\" or \",\" at column 22, found \"api\"", 22 },
        { "feature in [\"a\",", "expected a string, a number, \"true\" or \"false\" at column 17, found end of input", 17 },
        { "feature in []", "expected a string, a number, \"true\" or \"false\" at column 13, found \"]\"", 13 },
        { "feature in", "expected \"[\" or \"list\" at column 11, found end of input", 11 },
        { "feature in list", "expected \"(\" at column 16, found end of input", 16 },
        { "feature in list(x)", "expected a string at column 17, found \"x\"", 17 },
        { "feature in list(\"x\"", "expected \")\" at column 20, found end of input", 20 },
        { "feature not ==", "expected \"in\", \"contains\", \"starts_with\" or \"exists\" at column 13, found \"==\"", 13 },
        { "feature starts_with 5", "expected a string at column 21, found \"5\"", 21 },
        { "(feature == \"a\"", "expected \")\" at column 16, found end of input", 16 },
        { "feature == \"a\")", "expected \"and\", \"or\" or end of input at column 15, found \")\"", 15 },
        { "feature == \"a\" \"b\"", "expected \"and\", \"or\" or end of input at column 16, found \"b\"", 16 },
        { "feature exists exists", "expected \"and\", \"or\" or end of input at column 16, found \"exists\"", 16 },
        { "feature == \"a\" and", "expected a field, \"(\" or \"not\" at column 19, found end of input", 19 },
        { "feature == \"a\" or or", "expected a field, \"(\" or \"not\" at column 19, found \"or\"", 19 },
        { "not", "expected a field, \"(\" or \"not\" at column 4, found end of input", 4 },
        { "feature == \"a\" and\nkind == 1 1", "expected \"and\", \"or\" or end of input at column 30, found \"1\"", 30 },
        { "properties.q == \"a very long string that goes on\" x", "expected \"and\", \"or\" or end of input at column 51, found \"x\"", 51 },
        { "feature == \"a\" \"a very long string that goes on\"", "expected \"and\", \"or\" or end of input at column 16, found \"a very long string th...\"", 16 },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void syntax_errors_say_what_was_expected_at_which_column(string text, string message, int column)
    {
        Assert.False(FilterParser.TryParse(text, out var expression, out var error));
        Assert.Null(expression);
        Assert.Equal(message, error.Message);
        Assert.Equal(column, error.Column);
    }

    [Fact]
    public void a_syntax_error_lists_its_expectations()
    {
        Assert.False(FilterParser.TryParse("feature in [\"export\" \"api\"]", out _, out var error));

        Assert.Equal(["\"]\"", "\",\""], error.Expected);
    }
}
