using System.Text.Json;
using IngestLayer.Pipelines.Templates;

namespace IngestLayer.PipelineTests;

public class JsonTemplateTests
{
    [Fact]
    public void strings_are_rendered_and_escaped_and_lone_placeholders_keep_their_type()
    {
        var template = JsonTemplate.Parse("""
            {
              "text": "$event.feature used by $user.name: $event.properties.esc",
              "url": "$event.properties.url",
              "count": "$event.properties.count",
              "health": "${account.health}",
              "nested": "$event.properties.nested",
              "missing": "$event.properties.nope",
              "price": "$$9",
              "plain": "no placeholders", "n": 1, "list": ["$account.plan", true, null]
            }
            """);

        using var rendered = JsonDocument.Parse(template.Render(Samples.Full()));
        var root = rendered.RootElement;

        Assert.Equal("export used by Ada: café \"q\"", root.GetProperty("text").GetString());
        Assert.Equal("/settings/billing", root.GetProperty("url").GetString());
        Assert.Equal(3, root.GetProperty("count").GetInt32());
        Assert.Equal(35, root.GetProperty("health").GetInt32());
        Assert.Equal("v", root.GetProperty("nested").GetProperty("k").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("missing").ValueKind);
        Assert.Equal("$9", root.GetProperty("price").GetString());
        Assert.Equal("no placeholders", root.GetProperty("plain").GetString());
        Assert.Equal(1, root.GetProperty("n").GetInt32());
        Assert.Equal("free", root.GetProperty("list")[0].GetString());
    }

    [Fact]
    public void without_enrichment_lone_placeholders_are_null_and_others_render_empty()
    {
        var template = JsonTemplate.Parse("""{"a":"$user.email","b":"<$user.email>"}""");

        Assert.Equal("""{"a":null,"b":"<>"}""", template.Render(Samples.Bare()));
    }

    [Theory]
    [InlineData("{\"a\": \"x $evnt.name\"}", "unknown placeholder \"$evnt.name\" at column 10; placeholders start with $event., $user. or $account.", 10)]
    [InlineData("{\"a\": 1,", "the template is not valid JSON (line 1) at column 8", 8)]
    public void bad_templates_are_refused_with_a_column(string template, string message, int column)
    {
        Assert.False(JsonTemplate.TryParse(template, out _, out var error));
        Assert.Equal(message, error.Message);
        Assert.Equal(column, error.Column);
    }
}
