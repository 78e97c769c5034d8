using IngestLayer.Pipelines;
using IngestLayer.Pipelines.Filters;

namespace IngestLayer.PipelineTests;

public class FilterContextTests
{
    [Fact]
    public void keys_read_in_any_order_find_their_values_from_one_scan()
    {
        var context = new FilterContext(Samples.Event(properties: """{"a":1,"b":{"x":[1,2]},"c":"three","d":true}"""));

        Assert.True(Evaluate("properties.c == \"three\"", context));
        Assert.True(Evaluate("properties.a == 1", context));
        Assert.True(Evaluate("properties.d == true", context));
        Assert.True(Evaluate("properties.b.x contains 2", context));
        Assert.False(Evaluate("properties.e exists", context));
        Assert.True(Evaluate("properties.a == 1 and properties.c exists", context));
    }

    [Fact]
    public void reset_points_the_context_at_another_event()
    {
        var context = new FilterContext(Samples.Event(properties: """{"url":"/a"}"""));
        Assert.True(Evaluate("properties.url == \"/a\"", context));

        context.Reset(Samples.Event(properties: """{"other":1,"url":"/b"}"""), Samples.Ada);

        Assert.True(Evaluate("properties.url == \"/b\" and user.email exists", context));
        Assert.False(Evaluate("properties.url == \"/a\"", context));
    }

    [Fact]
    public void the_first_of_duplicate_keys_wins_and_escaped_keys_are_found()
    {
        var context = new FilterContext(Samples.Event(properties: """{"k":"first","k":"second","\u0024current_url":"/docs"}"""));

        Assert.True(Evaluate("properties.k == \"first\"", context));
        Assert.True(Evaluate("properties.$current_url == \"/docs\"", context));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{\"a\":1,\"b\":")]
    [InlineData("not json")]
    public void properties_that_are_not_an_object_read_as_missing(string properties)
    {
        var context = new FilterContext(Samples.Event(properties: properties));

        Assert.False(Evaluate("properties.b exists", context));
        Assert.True(Evaluate("properties.b != 1", context));
    }

    [Fact]
    public void a_malformed_tail_keeps_the_keys_before_it()
    {
        var context = new FilterContext(Samples.Event(properties: "{\"a\":1,\"b\":"));

        Assert.True(Evaluate("properties.a == 1", context));
        Assert.False(Evaluate("properties.b exists", context));
    }

    [Fact]
    public void more_keys_than_the_initial_cache_are_all_remembered()
    {
        var json = "{" + string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"k{i}\":{i}")) + "}";
        var context = new FilterContext(Samples.Event(properties: json));

        Assert.True(Evaluate("properties.k39 == 39", context));
        Assert.All(Enumerable.Range(0, 40), i => Assert.True(Evaluate($"properties.k{i} == {i}", context)));
    }

    [Theory]
    [InlineData("properties.a == \"x\\\"}y\"", true)]
    [InlineData("properties.b.c == \"}]\"", true)]
    [InlineData("properties.b.d.1.e == \"[\"", true)]
    [InlineData("properties.n == -1500", true)]
    [InlineData("properties.t == true", true)]
    [InlineData("properties.nul exists", false)]
    [InlineData("properties.last == \"z\"", true)]
    [InlineData("properties.e exists", false)]
    public void the_scan_steps_over_strings_nested_values_and_blanks(string filter, bool expected)
    {
        var context = new FilterContext(Samples.Event(properties: """
            { "a" : "x\"}y" ,
              "b":{"c":"}]","d":[1,{"e":"["}]} ,"n": -1.5e3 ,"t":true,"nul":null, "last" : "z" }
            """));

        Assert.Equal(expected, Evaluate(filter, context));
    }

    [Fact]
    public void bad_escapes_and_truncated_nested_values_do_not_throw()
    {
        var context = new FilterContext(Samples.Event(properties: "{\"a\":\"\\q\",\"b\":1,\"c\":[1,\"x}"));

        Assert.False(Evaluate("properties.a == \"q\"", context));
        Assert.True(Evaluate("properties.b == 1", context));
        Assert.False(Evaluate("properties.c contains 1", context));
    }

    private static bool Evaluate(string text, FilterContext context)
    {
        Assert.True(FilterCompiler.TryCompile(text, null, out var filter, out var error), error?.Message);
        return filter.Matches(context);
    }
}
