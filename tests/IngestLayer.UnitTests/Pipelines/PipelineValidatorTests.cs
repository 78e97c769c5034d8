using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Pipelines;
using IngestLayer.Gateway.Rules;
using IngestLayer.Pipelines.Lists;
using IngestLayer.Webhooks;

namespace IngestLayer.UnitTests.Pipelines;

public class PipelineValidatorTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static NamedListRegistry Lists()
    {
        var lists = new NamedListRegistry();
        lists.Upload("ada-book", ["org-1", "org-2"]);
        return lists;
    }

    private static PipelineValidator.Result Validate(string json, string? pathId = null, PipelineDefinition? previous = null)
    {
        using var document = JsonDocument.Parse(json);
        return PipelineValidator.Validate(document.RootElement.Clone(), pathId, Lists(), previous);
    }

    private static DocumentFieldError SingleError(string json, string? pathId = null)
    {
        var result = Validate(json, pathId);
        Assert.Null(result.Pipeline);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void the_seed_recipe_is_read_as_written_with_the_defaults_filled_in()
    {
        var result = Validate("""
            {"id": "paid-features", "match": "feature.used",
             "steps": [{"filter": "feature in [\"export\", \"api\", \"webhook\"]"}, {"enrich": ["user", "account"]}],
             "destinations": [{"type": "slack", "channel": "#alerts"}]}
            """);

        Assert.Empty(result.Errors);
        var pipeline = result.Pipeline!;
        Assert.Equal(("paid-features", (string?)null, true, PipelineDefinition.DefaultThrottlePerMinute), (pipeline.Id, pipeline.Name, pipeline.Enabled, pipeline.ThrottlePerMinute));
        Assert.Equal(["feature.used"], pipeline.Match);
        Assert.Equal("feature in [\"export\", \"api\", \"webhook\"]", pipeline.Steps[0].Filter);
        Assert.Null(pipeline.Steps[0].Enrich);
        Assert.Equal(["user", "account"], pipeline.Steps[1].Enrich!);
        var slack = Assert.Single(pipeline.Destinations);
        Assert.Equal(("slack-1", "slack", "#alerts", (string?)null), (slack.Id, slack.Type, slack.Channel, slack.Template));
        Assert.Null(result.ExpectedVersion);
        Assert.Empty(result.GeneratedSecrets!);
    }

    [Fact]
    public void a_webhook_without_a_secret_gets_a_generated_one_and_says_so()
    {
        var result = Validate("""{"id": "p", "match": ["a", "a", "b *"], "version": 4, "destinations": [{"type": "webhook", "id": "crm", "url": "https://crm.example/hooks"}]}""");

        Assert.Empty(result.Errors);
        Assert.Equal(["a", "b *"], result.Pipeline!.Match); // duplicates dropped
        Assert.Equal(4, result.ExpectedVersion);
        var hook = Assert.Single(result.Pipeline.Destinations);
        Assert.True(StandardWebhookSecret.TryParse(hook.Secret, out _), $"generated secret '{hook.Secret}' does not parse");
        Assert.Equal(["crm"], result.GeneratedSecrets!);
    }

    [Fact]
    public void a_webhook_written_without_a_secret_keeps_the_one_it_had_and_generates_none()
    {
        var previous = new PipelineDefinition
        {
            Id = "p",
            Match = ["a"],
            Destinations = [new PipelineDestination { Id = "crm", Type = "webhook", Url = "https://crm.example/hooks", Secret = Secret }],
            Version = 3,
        };

        var result = Validate("""{"match": "a", "destinations": [{"type": "webhook", "id": "crm", "url": "https://crm.example/v2"}]}""", "p", previous);

        Assert.Empty(result.Errors);
        Assert.Equal(("p", Secret, "https://crm.example/v2"), (result.Pipeline!.Id, result.Pipeline.Destinations[0].Secret, result.Pipeline.Destinations[0].Url));
        Assert.Empty(result.GeneratedSecrets!);
    }

    [Fact]
    public void a_webhook_given_a_new_id_does_not_inherit_another_destination_s_secret()
    {
        var previous = new PipelineDefinition
        {
            Id = "p",
            Destinations = [new PipelineDestination { Id = "crm", Type = "webhook", Url = "https://crm.example/hooks", Secret = Secret }],
        };

        var result = Validate("""{"match": "a", "destinations": [{"type": "webhook", "id": "crm2", "url": "https://crm.example/hooks"}]}""", "p", previous);

        Assert.NotEqual(Secret, result.Pipeline!.Destinations[0].Secret);
        Assert.Equal(["crm2"], result.GeneratedSecrets!);
    }

    [Theory]
    [InlineData("""{"id": "p", "match": "a", "colour": "red", "destinations": [{"type": "slack"}]}""", "colour", "is not a pipeline field")]
    [InlineData("""{"match": "a", "destinations": [{"type": "slack"}]}""", "id", "is required")]
    [InlineData("""{"id": "Bad Id", "match": "a", "destinations": [{"type": "slack"}]}""", "id", "must be 1 to 64 characters")]
    [InlineData("""{"id": "p", "destinations": [{"type": "slack"}]}""", "match", "is required")]
    [InlineData("""{"id": "p", "match": [], "destinations": [{"type": "slack"}]}""", "match", "must be an event name or a list of 1 to 50")]
    [InlineData("""{"id": "p", "match": ["a", 3], "destinations": [{"type": "slack"}]}""", "match", "must be an event name or a list")]
    [InlineData("""{"id": "p", "match": "  ", "destinations": [{"type": "slack"}]}""", "match", "must be an event name or a list")]
    [InlineData("""{"id": "p", "match": "a", "enabled": "yes", "destinations": [{"type": "slack"}]}""", "enabled", "must be true or false")]
    [InlineData("""{"id": "p", "match": "a", "throttle_per_minute": 0, "destinations": [{"type": "slack"}]}""", "throttle_per_minute", "from 1 to 600")]
    [InlineData("""{"id": "p", "match": "a", "steps": {}, "destinations": [{"type": "slack"}]}""", "steps", "must be a list of at most 20 steps")]
    [InlineData("""{"id": "p", "match": "a", "steps": ["feature == \"x\""], "destinations": [{"type": "slack"}]}""", "steps[0]", "must be an object")]
    [InlineData("""{"id": "p", "match": "a", "steps": [{}], "destinations": [{"type": "slack"}]}""", "steps[0]", "exactly one of 'filter' and 'enrich'")]
    [InlineData("""{"id": "p", "match": "a", "steps": [{"filter": "feature == \"x\"", "enrich": "user"}], "destinations": [{"type": "slack"}]}""", "steps[0]", "exactly one of 'filter' and 'enrich'")]
    [InlineData("""{"id": "p", "match": "a", "steps": [{"filter": ""}], "destinations": [{"type": "slack"}]}""", "steps[0].filter", "must be a non-empty string")]
    [InlineData("""{"id": "p", "match": "a", "steps": [{"filter": "feature == \"x\"", "when": 1}], "destinations": [{"type": "slack"}]}""", "steps[0].when", "is not a step field")]
    [InlineData("""{"id": "p", "match": "a", "steps": [{"enrich": ["user", "org"]}], "destinations": [{"type": "slack"}]}""", "steps[0].enrich", "must be one or more of user, account")]
    [InlineData("""{"id": "p", "match": "a", "destinations": []}""", "destinations", "must be a list of 1 to 10 destinations")]
    [InlineData("""{"id": "p", "match": "a"}""", "destinations", "must be a list of 1 to 10 destinations")]
    [InlineData("""{"id": "p", "match": "a", "destinations": ["#alerts"]}""", "destinations[0]", "must be an object with a 'type'")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"channel": "#alerts"}]}""", "destinations[0].type", "is required: slack or webhook")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "email"}]}""", "destinations[0].type", "must be one of slack, webhook")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "slack", "channel": "alerts"}]}""", "destinations[0].channel", "must be a Slack channel")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "slack", "channel": 7}]}""", "destinations[0].channel", "must be a Slack channel")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "slack", "channel": "$acount.owner_channel"}]}""", "destinations[0].channel", "unknown placeholder \"$acount.owner_channel\" at column 1")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "slack", "template": "Hi ${user.email"}]}""", "destinations[0].template", "unterminated \"${\" at column 4")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "slack", "url": "https://x.example"}]}""", "destinations[0].url", "is not a Slack destination field")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "webhook"}]}""", "destinations[0].url", "is required")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "webhook", "url": "ftp://files.example/in"}]}""", "destinations[0].url", "must be an absolute http:// or https:// URL")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "webhook", "url": "/relative"}]}""", "destinations[0].url", "must be an absolute http:// or https:// URL")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "webhook", "url": "https://user:pw@x.example/"}]}""", "destinations[0].url", "without credentials")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "webhook", "url": "https://x.example/", "secret": "hunter2"}]}""", "destinations[0].secret", "must be a Standard Webhooks secret")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "webhook", "url": "https://x.example/", "secret": "whsec_c2hvcnQ="}]}""", "destinations[0].secret", "24 to 64 random bytes")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "webhook", "url": "https://x.example/", "payload": "$event.name"}]}""", "destinations[0].payload", "must be a JSON object")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "webhook", "url": "https://x.example/", "payload": {"who": "$usr.email"}}]}""", "destinations[0].payload", "unknown placeholder \"$usr.email\"")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "webhook", "url": "https://x.example/", "channel": "#alerts"}]}""", "destinations[0].channel", "is not a webhook destination field")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "slack", "id": "s"}, {"type": "slack", "id": "s"}]}""", "destinations[1].id", "'s' is used by an earlier destination")]
    public void a_bad_document_is_refused_naming_the_field(string json, string field, string error)
    {
        var problem = SingleError(json);

        Assert.Equal(field, problem.Field);
        Assert.Contains(error, problem.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("feature = \"x\"", "column 9")]
    [InlineData("feature in [\"a\" \"b\"]", "column 17")]
    [InlineData("featur == \"x\"", "unknown field \"featur\" at column 1")]
    [InlineData("account.id in list(\"bob-book\")", "unknown list \"bob-book\" at column 20")]
    [InlineData("account.id in list(\"ada-book\") and (event != \"$pageview\" or properties.$current_url contain \"docs\")", "at column 85")]
    public void a_bad_filter_is_refused_at_its_step_with_the_column(string filter, string error)
    {
        var problem = SingleError(Api(new { id = "p", match = "a", steps = new object[] { new { enrich = "user" }, new { filter } }, destinations = new[] { new { type = "slack" } } }));

        Assert.Equal("steps[1].filter", problem.Field);
        Assert.Contains(error, problem.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void a_filter_on_a_known_list_and_templates_of_every_root_are_accepted()
    {
        var result = Validate(Api(new
        {
            id = "handbook",
            match = new[] { "$pageview", "feature.used" },
            steps = new object[]
            {
                new { filter = "account.id in list(\"ada-book\") and (event != \"$pageview\" or properties.$current_url contains \"docs\")" },
                new { enrich = new[] { "user", "account" } },
            },
            destinations = new object[]
            {
                new { type = "slack", channel = "$account.owner_channel", template = "$user.email: $event.name on $event.properties.$current_url (${account.name})" },
                new { type = "webhook", url = "http://127.0.0.1:9/in", secret = Secret, payload = new { who = "$user.email", plan = "$account.plan" } },
            },
        }));

        Assert.Empty(result.Errors);
        Assert.Equal("$account.owner_channel", result.Pipeline!.Destinations[0].Channel);
        Assert.Equal(("webhook-2", Secret), (result.Pipeline.Destinations[1].Id, result.Pipeline.Destinations[1].Secret));
        Assert.Equal("""{"who":"$user.email","plan":"$account.plan"}""", result.Pipeline.Destinations[1].Payload);
    }

    [Fact]
    public void a_body_id_other_than_the_path_s_is_refused_and_a_missing_one_is_the_path_s()
    {
        Assert.Equal("id", SingleError("""{"id": "q", "match": "a", "destinations": [{"type": "slack"}]}""", pathId: "p").Field);
        Assert.Equal("p", Validate("""{"match": "a", "destinations": [{"type": "slack"}]}""", pathId: "p").Pipeline!.Id);
    }

    [Fact]
    public void every_problem_is_reported_not_just_the_first()
    {
        var result = Validate("""{"id": "p", "match": [], "steps": [{"filter": "x ="}], "destinations": [{"type": "slack", "channel": "nope"}]}""");

        Assert.Null(result.Pipeline);
        Assert.Equal(["match", "steps[0].filter", "destinations[0].channel"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public void a_body_that_is_not_an_object_is_refused()
    {
        Assert.Equal("", SingleError("[]").Field);
    }

    private static string Api(object value) => JsonSerializer.Serialize(value);
}
