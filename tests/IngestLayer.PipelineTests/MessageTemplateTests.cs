using IngestLayer.Pipelines.Templates;

namespace IngestLayer.PipelineTests;

public class MessageTemplateTests
{
    public static TheoryData<string, string> Rendered => new()
    {
        { "no placeholders", "no placeholders" },
        { "$event.name by $user.email", "feature.used by ada@example.com" },
        { "$event used $event.feature", "feature.used used export" },
        { "kind $event.kind at $event.timestamp", "kind track at 2026-11-30T09:30:00Z" },
        { "$event.user_id of $event.account_id", "u1 of ada-co" },
        { "<$event.properties.url|settings>", "</settings/billing|settings>" },
        { "from $event.properties.$current_url.", "from https://app.example.com/docs/start." },
        { "Hi $user.name. Bye", "Hi Ada. Bye" },
        { "${account.name}'s owner is ${ account.owner }", "Ada Co's owner is ada@vendor.com" },
        { "${user.id}1", "u11" },
        { "$account.owner_channel / $account.plan / $account.health / $account.id", "#ada-alerts / free / 35 / ada-co" },
        { "$user.role $user.traits.seats $account.traits.region $event.traits.plan", "admin 12 eu pro" },
        { "count=$event.properties.count beta=$event.properties.beta", "count=3 beta=true" },
        { "tags=$event.properties.tags", "tags=[\"a\",\"b\",2]" },
        { "deep=$event.properties.nested.n.deep", "deep=1" },
        { "esc=$event.properties.esc", "esc=café \"q\"" },
        { "costs $$5, or $5, or $ 5 or $", "costs $5, or $5, or $ 5 or $" },
        { "$$event.name", "$event.name" },
        { "missing: [$event.properties.nope][$event.properties.plan][$user.nope][$account.traits.nope]", "missing: [][][][]" },
        { "", "" },
    };

    [Theory]
    [MemberData(nameof(Rendered))]
    public void placeholders_render_from_the_event_user_and_account(string template, string expected) =>
        Assert.Equal(expected, MessageTemplate.Parse(template).Render(Samples.Full()));

    [Fact]
    public void missing_fields_render_empty_without_enrichment_or_properties()
    {
        var template = MessageTemplate.Parse("[$event.feature][$user.email][$user.id][$account.name][$account.health][$account.id][$event.properties.url][$event.traits.plan]");

        Assert.Equal("[][][][][][][][]", template.Render(Samples.Bare()));
        Assert.Equal("[][][][][][][][]", template.Render(new Pipelines.FilterContext(Samples.Event(feature: null, properties: "{broken") with { UserId = null, AccountId = null, Traits = null })));
    }

    [Fact]
    public void placeholders_are_listed_in_order()
    {
        Assert.Equal(["event.name", "user.email", "account.name"], MessageTemplate.Parse("$event.name $user.email ${account.name}").Placeholders);
    }

    public static TheoryData<string, string, int> Errors => new()
    {
        { "hi $evnt.name", "unknown placeholder \"$evnt.name\" at column 4; placeholders start with $event., $user. or $account.", 4 },
        { "hi ${foo}", "unknown placeholder \"$foo\" at column 4; placeholders start with $event., $user. or $account.", 4 },
        { "hi $USD", "unknown placeholder \"$USD\" at column 4; placeholders start with $event., $user. or $account.", 4 },
        { "$event.foo", "unknown placeholder \"$event.foo\" at column 1; fields are event, name, feature, kind, user_id, account_id, timestamp, properties.<key>, traits.<name>, user.<field> or account.<field>", 1 },
        { "x $account.paln", "unknown account field \"paln\" at column 3; account has id, name, plan, owner, owner_channel, health or traits.<name>", 3 },
        { "x $user", "placeholder \"$user\" needs a name at column 3; for example user.email or user.traits.role", 3 },
        { "x $account.traits.", "placeholder \"$account.traits\" needs a name at column 3; for example account.plan or account.traits.region", 3 },
        { "x $event.properties", "placeholder \"$event.properties\" needs a key at column 3; for example properties.url", 3 },
        { "x ${account.name", "unterminated \"${\" at column 3; close it with \"}\"", 3 },
        { "x ${ }", "empty placeholder \"${}\" at column 3; placeholders start with $event., $user. or $account.", 3 },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void bad_placeholders_are_refused_with_a_column(string template, string message, int column)
    {
        Assert.False(MessageTemplate.TryParse(template, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.Equal(message, error.Message);
        Assert.Equal(column, error.Column);
        Assert.Equal(message, Assert.Throws<FormatException>(() => MessageTemplate.Parse(template)).Message);
    }
}
