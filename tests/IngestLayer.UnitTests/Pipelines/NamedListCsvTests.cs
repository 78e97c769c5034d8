using IngestLayer.Pipelines.Lists;

namespace IngestLayer.UnitTests.Pipelines;

public class NamedListCsvTests
{
    [Theory]
    [InlineData("id\n\"org-1\norg-2\norg-3\n")]
    [InlineData("id\n\"org-1\n")]
    [InlineData("org-1\n\"org-2,x\norg-3\n")]
    public void an_unterminated_quote_is_refused_rather_than_swallowing_the_rest_of_the_file(string csv)
    {
        var result = NamedListCsv.Parse(csv);

        Assert.False(result.Succeeded, $"stored [{string.Join(" | ", result.Values.Select(v => v.Replace("\n", "\\n", StringComparison.Ordinal)))}]");
        Assert.Contains("malformed CSV", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Values);
    }

    [Theory]
    [InlineData("id\norg\"1\n", "line 2")]
    [InlineData("id\norg-1\n\"org\"-2\n", "line 3")]
    public void a_stray_quote_is_refused_naming_its_line(string csv, string line)
    {
        var result = NamedListCsv.Parse(csv);

        Assert.False(result.Succeeded);
        Assert.Equal($"{line}: malformed CSV (a stray or unbalanced quote)", result.Error);
    }

    [Fact]
    public void a_quoted_value_with_a_comma_is_one_value()
    {
        var result = NamedListCsv.Parse("email,name\n\"ada@example.com\",\"Lovelace, Ada\"\nbob@example.com,Bob\n");

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("email", result.Column);
        Assert.Equal(["ada@example.com", "bob@example.com"], result.Values);
    }
}
