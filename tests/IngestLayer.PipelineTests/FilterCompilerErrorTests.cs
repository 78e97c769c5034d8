using IngestLayer.Pipelines.Filters;
using IngestLayer.Pipelines.Lists;

namespace IngestLayer.PipelineTests;

public class FilterCompilerErrorTests
{
    private const string Roots = "fields are event, name, feature, kind, user_id, account_id, timestamp, properties.<key>, traits.<name>, user.<field> or account.<field>";
    private const string Kinds = "\"track\", \"identify\", \"group\", \"page\", \"screen\" or \"alias\"";

    public static TheoryData<string, string, int> Errors => new()
    {
        // Fields.
        { "foo.bar == 1", $"unknown field \"foo.bar\" at column 1; {Roots}", 1 },
        { "feature.x == \"a\"", $"unknown field \"feature.x\" at column 1; {Roots}", 1 },
        { "event.foo == \"a\"", $"unknown field \"event.foo\" at column 1; {Roots}", 1 },
        { "event.user.email == \"a\"", $"unknown field \"event.user.email\" at column 1; {Roots}", 1 },
        { "feature == \"a\" and foo exists", $"unknown field \"foo\" at column 20; {Roots}", 20 },
        { "properties == 1", "field \"properties\" needs a key at column 1; for example properties.url", 1 },
        { "traits exists", "field \"traits\" needs a key at column 1; for example traits.plan", 1 },
        { "user exists", "field \"user\" needs a name at column 1; for example user.email or user.traits.role", 1 },
        { "user.traits exists", "field \"user.traits\" needs a name at column 1; for example user.email or user.traits.role", 1 },
        { "account exists", "field \"account\" needs a name at column 1; for example account.plan or account.traits.region", 1 },
        { "account.traits exists", "field \"account.traits\" needs a name at column 1; for example account.plan or account.traits.region", 1 },
        { "account.paln == \"free\"", "unknown account field \"paln\" at column 1; account has id, name, plan, owner, owner_channel, health or traits.<name>", 1 },

        // Types.
        { "feature == 42", "expected a string at column 12 (feature is text), found 42", 12 },
        { "account.plan != true", "expected a string at column 17 (account.plan is text), found true", 17 },
        { "feature in [\"a\", 1]", "expected a string at column 18 (feature is text), found 1", 18 },
        { "feature contains 5", "expected a string at column 18 (feature is text), found 5", 18 },
        { "user_id > 5", "expected a string at column 11 (user_id is text), found 5", 11 },
        { "feature < true", "expected a number or a string at column 11 (< orders values), found true", 11 },
        { "user.role >= false", "expected a number or a string at column 14 (>= orders values), found false", 14 },
        { "properties.x <= true", "expected a number or a string at column 17 (<= orders values), found true", 17 },
        { "account.health == \"high\"", "expected a number at column 19 (account.health is a number), found \"high\"", 19 },
        { "account.health > true", "expected a number at column 18 (account.health is a number), found true", 18 },
        { "timestamp > 5", "expected a date such as \"2026-11-30T09:00:00Z\" at column 13 (timestamp is a date), found 5", 13 },
        { "timestamp < \"yesterday\"", "expected a date such as \"2026-11-30T09:00:00Z\" at column 13 (timestamp is a date), found \"yesterday\"", 13 },
        { "kind == \"trak\"", $"expected {Kinds} at column 9 (kind is one of these), found \"trak\"", 9 },
        { "kind in [\"track\", \"Page\"]", $"expected {Kinds} at column 19 (kind is one of these), found \"Page\"", 19 },

        // Operators that do not apply.
        { "account.health contains \"a\"", "\"contains\" does not apply to account.health (a number) at column 1", 1 },
        { "account.health starts_with \"1\"", "\"starts_with\" does not apply to account.health (a number) at column 1", 1 },
        { "account.health in list(\"scores\")", "\"in list\" does not apply to account.health (a number) at column 1", 1 },
        { "timestamp contains \"2026\"", "\"contains\" does not apply to timestamp (a date) at column 1", 1 },
        { "timestamp starts_with \"2026\"", "\"starts_with\" does not apply to timestamp (a date) at column 1", 1 },
        { "timestamp not in list(\"days\")", "\"in list\" does not apply to timestamp (a date) at column 1", 1 },

        // Lists.
        { "account.id in list(\"nope\")", "unknown list \"nope\" at column 20", 20 },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void compile_errors_say_what_is_wrong_at_which_column(string text, string message, int column)
    {
        var lists = new NamedListRegistry();
        lists.Upload("ada-book", ["ada-co"]);

        Assert.False(FilterCompiler.TryCompile(text, lists, out var filter, out var error));
        Assert.Null(filter);
        Assert.Equal(message, error.Message);
        Assert.Equal(column, error.Column);
    }

    [Fact]
    public void without_a_list_resolver_a_named_list_compiles_and_is_empty()
    {
        Assert.True(FilterCompiler.TryCompile("account.id in list(\"nope\") or account.id not in list(\"other\") or feature in list(\"nope\")", null, out var filter, out _));

        Assert.Equal(["nope", "other"], filter.ListNames);
        Assert.True(filter.Matches(Samples.Full()));

        Assert.True(FilterCompiler.TryCompile("account.id in list(\"nope\")", null, out filter, out _));
        Assert.False(filter.Matches(Samples.Full()));
    }
}
