using System.Text.Json;
using IngestLayer.Gateway.WebhookSources;

namespace IngestLayer.UnitTests.WebhookSources;

public class JsonPathTests
{
    private static readonly JsonElement Doc = JsonDocument.Parse("""
        {"type": "invoice.paid", "data": {"object": {"customer": "cus_1", "lines": [{"id": "il_0"}, {"id": "il_1"}], "n": 7, "gone": null}},
         "a.b": {"c": true}}
        """).RootElement;

    [Theory]
    [InlineData("$.type", "\"invoice.paid\"")]
    [InlineData("$.data.object.customer", "\"cus_1\"")]
    [InlineData("$.data.object.lines[1].id", "\"il_1\"")]
    [InlineData("$['a.b'].c", "true")]
    [InlineData("$[\"a.b\"]", "{\"c\": true}")]
    [InlineData("$.data.object.n", "7")]
    public void a_path_finds_the_value_it_names(string path, string expected)
    {
        Assert.True(JsonPath.TryParse(path, out var parsed, out var error), error);
        Assert.True(parsed.TryFind(Doc, out var value));
        Assert.Equal(expected, value.GetRawText());
    }

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.data.object.lines[2].id")]
    [InlineData("$.type.deeper")]
    [InlineData("$.data.object.customer[0]")]
    [InlineData("$.data.object.gone")]
    public void a_path_that_leads_nowhere_or_to_null_finds_nothing(string path)
    {
        Assert.True(JsonPath.TryParse(path, out var parsed, out _));
        Assert.False(parsed.TryFind(Doc, out _));
    }

    [Theory]
    [InlineData("", "starting with '$'")]
    [InlineData("data.object", "starting with '$'")]
    [InlineData("$.", "empty or invalid member name at position 2")]
    [InlineData("$..type", "empty or invalid member name at position 2")]
    [InlineData("$.data.*", "wildcards are not supported")]
    [InlineData("$.lines[*]", "only array indexes ([0]) and quoted names")]
    [InlineData("$.lines[-1]", "only array indexes ([0]) and quoted names")]
    [InlineData("$.lines[0", "unclosed '['")]
    [InlineData("$type", "'t' at position 1")]
    public void a_path_outside_the_subset_is_refused_saying_why(string path, string expected)
    {
        Assert.False(JsonPath.TryParse(path, out _, out var error));
        Assert.Contains(expected, error);
    }
}
