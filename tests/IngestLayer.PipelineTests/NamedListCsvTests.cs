using System.Text;
using IngestLayer.Pipelines.Lists;

namespace IngestLayer.PipelineTests;

public class NamedListCsvTests
{
    [Fact]
    public void without_a_header_the_first_column_is_read_from_the_first_row()
    {
        var result = NamedListCsv.Parse("ada-co,Ada Co\nacme,Acme\n\n  globex  \nacme,again\n");

        Assert.True(result.Succeeded);
        Assert.Null(result.Column);
        Assert.Equal(["ada-co", "acme", "globex"], result.Values);
    }

    [Theory]
    [InlineData("id\nada-co\nacme\n", "id")]
    [InlineData("name,account_id,plan\nAda Co,ada-co,free\nAcme,acme,pro\n", "account_id")]
    [InlineData("Email,name\nada-co,Ada\nacme,\n", "Email")]
    [InlineData("\"user_id\"\n\"ada-co\"\nacme\n", "user_id")]
    public void a_header_naming_an_id_column_picks_that_column(string csv, string column)
    {
        var result = NamedListCsv.Parse(csv);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(column, result.Column);
        Assert.Equal(["ada-co", "acme"], result.Values);
    }

    [Fact]
    public void quoted_values_keep_their_commas_and_are_case_sensitive()
    {
        var result = NamedListCsv.Parse("id\n\"hooli, inc\"\nAcme\nacme\n");

        Assert.Equal(["hooli, inc", "Acme", "acme"], result.Values);
    }

    [Fact]
    public void a_stream_with_a_byte_order_mark_is_read()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("id\nada-co\n")).ToArray();

        var result = NamedListCsv.Parse(new MemoryStream(bytes));

        Assert.Equal("id", result.Column);
        Assert.Equal(["ada-co"], result.Values);
    }

    public static TheoryData<string, long, int, string> Refused => new()
    {
        { "", NamedListCsv.DefaultMaxBytes, 10, "the file has no values" },
        { "\n\n,\n", NamedListCsv.DefaultMaxBytes, 10, "the file has no values" },
        { "account_id\n", NamedListCsv.DefaultMaxBytes, 10, "the file has no values under \"account_id\"" },
        { "id\n\"a\"b\n", NamedListCsv.DefaultMaxBytes, 10, "line 2: malformed CSV (a stray or unbalanced quote)" },
        { "id\na\n" + new string('x', 513) + "\n", NamedListCsv.DefaultMaxBytes, 10, "line 3: a value is longer than 512 characters" },
        { "a\nb\nc\na\n", NamedListCsv.DefaultMaxBytes, 2, "more than 2 distinct values" },
        { "ada-co\nacme\n", 8, 10, "the file is larger than 8 bytes" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void a_bad_file_is_refused_with_a_reason(string csv, long maxBytes, int maxValues, string error)
    {
        var fromText = NamedListCsv.Parse(csv, maxBytes, maxValues);
        var fromStream = NamedListCsv.Parse(new MemoryStream(Encoding.UTF8.GetBytes(csv)), maxBytes, maxValues);

        Assert.Equal(error, fromText.Error);
        Assert.Empty(fromText.Values);
        Assert.Equal(fromText, fromStream with { Values = fromText.Values });
    }

    [Fact]
    public void the_registry_replaces_values_in_place_and_hides_removed_lists()
    {
        var registry = new NamedListRegistry();
        var list = registry.Upload("book", ["a"]);

        Assert.Same(list, registry.Upload("book", ["b", "c"]));
        Assert.Equal(2, list.Count);
        Assert.True(list.Contains("b"));
        Assert.False(list.Contains("a"));
        Assert.Equal(["book"], registry.Lists.Select(l => l.Name));

        Assert.True(registry.Remove("book"));
        Assert.False(registry.Remove("book"));
        Assert.Null(registry.Find("book"));
        Assert.Empty(registry.Lists);
        Assert.Equal(0, list.Count);
    }
}
