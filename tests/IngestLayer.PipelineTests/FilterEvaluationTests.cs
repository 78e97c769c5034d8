using IngestLayer.Contracts;
using IngestLayer.Pipelines;
using IngestLayer.Pipelines.Filters;
using IngestLayer.Pipelines.Lists;

namespace IngestLayer.PipelineTests;

public class FilterEvaluationTests
{
    private static readonly NamedListRegistry Lists = CreateLists();

    // Over Samples.Full(): feature.used, feature "export", user Ada, account Ada Co (free, health 35), Samples.Properties.
    public static TheoryData<string, bool> Full => new()
    {
        // Event fields.
        { "event == \"feature.used\"", true },
        { "name == \"feature.used\"", true },
        { "event.name == \"feature.used\"", true },
        { "name != \"feature.used\"", false },
        { "feature == \"export\"", true },
        { "feature == \"Export\"", false },
        { "event.feature == \"export\"", true },
        { "kind == \"track\"", true },
        { "kind in [\"page\", \"screen\"]", false },
        { "user_id == \"u1\"", true },
        { "account_id == \"ada-co\"", true },
        { "timestamp == \"2026-11-30T09:30:00Z\"", true },
        { "timestamp >= \"2026-11-30\"", true },
        { "timestamp < \"2026-11-30T10:30:00+01:00\"", false },
        { "timestamp exists", true },
        { "traits.plan == \"pro\"", true },

        // Strings order ordinally.
        { "feature < \"f\"", true },
        { "feature > \"export\"", false },
        { "feature >= \"export\"", true },
        { "feature <= \"a\"", false },
        { "feature starts_with \"exp\"", true },
        { "feature starts_with \"port\"", false },
        { "feature contains \"port\"", true },
        { "feature not contains \"port\"", false },

        // in.
        { "feature in [\"export\", \"api\", \"webhook\"]", true },
        { "feature in [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\", \"export\"]", true },
        { "feature in [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\", \"j\"]", false },
        { "feature not in [\"export\"]", false },
        { "account.id in list(\"ada-book\")", true },
        { "account.id not in list(\"ada-book\")", false },
        { "user.email in list(\"vips\")", true },
        { "account.id in list(\"empty\")", false },

        // User.
        { "user.id == \"u1\"", true },
        { "user.email == \"ada@example.com\"", true },
        { "user.email contains \"@example.\"", true },
        { "user.name == \"Ada\"", true },
        { "user.role == \"admin\"", true },
        { "user.traits.role == \"admin\"", true },
        { "user.seats > 10", true },
        { "user.seats == 12", true },
        { "user.seats < 12", false },
        { "user.role > 10", false },
        { "user.role exists", true },
        { "user.nope exists", false },

        // Account.
        { "account.id == \"ada-co\"", true },
        { "account.name == \"Ada Co\"", true },
        { "account.plan == \"free\"", true },
        { "account.owner == \"ada@vendor.com\"", true },
        { "account.owner_channel == \"#ada-alerts\"", true },
        { "account.health < 40", true },
        { "account.health == 35", true },
        { "account.health in [10, 35]", true },
        { "account.health >= 35.5", false },
        { "account.health exists", true },
        { "account.traits.region == \"eu\"", true },

        // Properties: strings, numbers, numeric strings, booleans, null, arrays, objects, escapes.
        { "properties.$current_url contains \"docs\"", true },
        { "properties.$current_url starts_with \"https://app.\"", true },
        { "properties.url == \"/settings/billing\"", true },
        { "properties.url contains \"/settings\"", true },
        { "properties.url != \"/settings\"", true },
        { "properties.url > \"/a\"", true },
        { "properties.count == 3", true },
        { "properties.count == 3.0", true },
        { "properties.count > 2.5", true },
        { "properties.count <= 2", false },
        { "properties.count == \"3\"", false },
        { "properties.count in [1, 2, 3]", true },
        { "properties.price > 19", true },
        { "properties.price == 19.5", true },
        { "properties.big > 12", true },
        { "properties.beta == true", true },
        { "properties.beta == false", false },
        { "properties.beta != false", true },
        { "properties.flag == true", true },
        { "properties.plan exists", false },
        { "properties.plan not exists", true },
        { "properties.plan == \"free\"", false },
        { "properties.plan != \"free\"", true },
        { "properties.tags contains \"b\"", true },
        { "properties.tags contains 2", true },
        { "properties.tags contains \"c\"", false },
        // A string literal matches strings only: the element 2 is a number.
        { "properties.tags contains \"2\"", false },
        { "properties.tags exists", true },
        { "properties.nested.k == \"v\"", true },
        { "properties.nested.n.deep == 1", true },
        { "properties.nested.missing exists", false },
        { "properties.nested exists", true },
        { "properties.items.1 == \"y\"", true },
        { "properties.items.5 exists", false },
        { "properties.esc == \"café \\\"q\\\"\"", true },
        { "properties.esc contains \"é\"", true },
        { "properties.esc starts_with \"caf\"", true },
        { "properties.count in list(\"counts\")", true },
        { "properties.url in list(\"counts\")", false },
        { "event.properties.count == 3", true },

        // Combinations.
        { "feature in [\"export\", \"api\", \"webhook\"] and account.plan == \"free\" and properties.url contains \"/settings\"", true },
        { "account.id in list(\"ada-book\") and properties.$current_url contains \"docs\"", true },
        { "feature == \"api\" or account.health < 40", true },
        { "not feature == \"api\" and not (account.plan == \"pro\" or user.role != \"admin\")", true },
        { "feature == \"api\" or feature == \"webhook\" and account.plan == \"free\"", false },
    };

    // Over Samples.Bare(): a page view with no feature, no user id, no account, empty properties, no enrichment.
    public static TheoryData<string, bool> Missing => new()
    {
        { "feature == \"export\"", false },
        { "feature != \"export\"", true },
        { "feature < \"z\"", false },
        { "feature >= \"\"", false },
        { "feature contains \"x\"", false },
        { "feature not contains \"x\"", true },
        { "feature starts_with \"\"", false },
        { "feature in [\"export\"]", false },
        { "feature not in [\"export\"]", true },
        { "feature exists", false },
        { "feature not exists", true },
        { "user_id exists", false },
        { "user.id exists", false },
        { "user.email == \"\"", false },
        { "user.role == 1", false },
        { "user.role != true", true },
        { "account.id in list(\"ada-book\")", false },
        { "account.id not in list(\"ada-book\")", true },
        { "account.health < 100", false },
        { "account.health != 35", true },
        { "account.health exists", false },
        { "account.traits.region exists", false },
        { "properties.url contains \"/\"", false },
        { "properties.url != \"/\"", true },
        { "properties.count > 0", false },
        { "properties.count < 0", false },
        { "properties.tags contains 1", false },
        { "properties.url exists", false },
        { "properties.url not exists", true },
        { "properties.a.b exists", false },
        { "kind == \"page\"", true },
        { "name starts_with \"$\"", true },
    };

    [Theory]
    [MemberData(nameof(Full))]
    public void filters_evaluate_over_an_enriched_event(string text, bool expected) => Assert.Equal(expected, Evaluate(text, Samples.Full()));

    [Theory]
    [MemberData(nameof(Missing))]
    public void missing_fields_fail_comparisons_and_their_negations_hold(string text, bool expected) => Assert.Equal(expected, Evaluate(text, Samples.Bare()));

    [Fact]
    public void seed_feature_in_list_of_features()
    {
        Assert.True(FilterCompiler.TryCompile("feature in [\"export\", \"api\", \"webhook\"]", null, out var filter, out _));

        Assert.Equal(
            [true, true, true, false, false],
            new[] { "export", "api", "webhook", "csv.export", null }.Select(f => filter.Matches(new FilterContext(Samples.Event(feature: f)))));
    }

    [Fact]
    public void seed_account_in_named_list_and_docs_url_sees_uploads_made_after_compiling()
    {
        var lists = new NamedListRegistry();
        lists.Upload("ada-book", ["acme"]);
        Assert.True(FilterCompiler.TryCompile("account.id in list(\"ada-book\") and properties.$current_url contains \"docs\"", lists, out var filter, out _));
        var docs = new FilterContext(Samples.Event(), account: Samples.AdaCo);
        var settings = new FilterContext(Samples.Event(properties: """{"$current_url":"https://app.example.com/settings"}"""), account: Samples.AdaCo);

        Assert.False(filter.Matches(docs));

        lists.Upload("ada-book", ["acme", "ada-co"]);
        Assert.True(filter.Matches(docs));
        Assert.False(filter.Matches(settings));

        lists.Remove("ada-book");
        Assert.False(filter.Matches(docs));
        Assert.False(FilterCompiler.TryCompile("account.id in list(\"ada-book\")", lists, out _, out var error));
        Assert.Equal("unknown list \"ada-book\" at column 20", error.Message);

        lists.Upload("ada-book", ["ada-co"]);
        Assert.True(filter.Matches(docs));
    }

    [Fact]
    public void named_lists_are_case_sensitive()
    {
        var lists = new NamedListRegistry();
        lists.Upload("book", ["Ada-Co"]);
        Assert.True(FilterCompiler.TryCompile("account.id in list(\"book\")", lists, out var filter, out _));
        Assert.False(FilterCompiler.TryCompile("account.id in list(\"Book\")", lists, out _, out _));

        Assert.False(filter.Matches(Samples.Full()));
    }

    [Fact]
    public void account_and_user_ids_fall_back_to_the_event_without_enrichment()
    {
        var context = new FilterContext(Samples.Event());

        Assert.True(Evaluate("account.id == \"ada-co\" and user.id == \"u1\" and account.plan not exists", context));
    }

    [Fact]
    public void a_compiled_filter_is_evaluated_over_many_events_and_kinds()
    {
        Assert.True(FilterCompiler.TryCompile("kind in [\"identify\", \"group\"] or name starts_with \"$\"", null, out var filter, out _));

        Assert.True(filter.Matches(new FilterContext(Samples.Event(kind: EventKind.Group))));
        Assert.True(filter.Matches(new FilterContext(Samples.Event(name: "$pageview", kind: EventKind.Page))));
        Assert.False(filter.Matches(new FilterContext(Samples.Event())));
    }

    [Fact]
    public void snapshots_of_the_grains_fill_the_enriched_user_and_account()
    {
        var account = FilterAccount.From(new AccountSnapshot
        {
            AccountId = "ada-co",
            Profile = new AccountProfile { Name = "Ada Co", Plan = "free", Owner = "ada@vendor.com", SlackChannel = "#ada-alerts", Traits = new Dictionary<string, string> { ["region"] = "eu" } },
            Health = new HealthSnapshot(35, []),
        });
        var user = FilterUser.From(new UserSnapshot { UserId = "u1", Email = "ada@example.com", Name = "Ada", Traits = new Dictionary<string, string> { ["role"] = "admin" } });

        Assert.Equal(Samples.AdaCo with { Traits = account.Traits }, account);
        Assert.Equal("eu", account.Traits!["region"]);
        Assert.True(Evaluate("user.email == \"ada@example.com\" and user.role == \"admin\" and account.health == 35", new FilterContext(Samples.Event(), user, account)));
    }

    private static bool Evaluate(string text, FilterContext context)
    {
        Assert.True(FilterCompiler.TryCompile(text, Lists, out var filter, out var error), error?.Message);
        return filter.Matches(context);
    }

    private static NamedListRegistry CreateLists()
    {
        var lists = new NamedListRegistry();
        lists.Upload("ada-book", ["ada-co", "acme"]);
        lists.Upload("vips", ["ada@example.com"]);
        lists.Upload("counts", ["3", "4"]);
        lists.Upload("empty", []);
        return lists;
    }
}
