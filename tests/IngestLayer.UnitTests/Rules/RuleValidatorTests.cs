using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Rules;

namespace IngestLayer.UnitTests.Rules;

public class RuleValidatorTests
{
    private static RuleValidator.Result Validate(string json, string? pathId = null)
    {
        using var document = JsonDocument.Parse(json);
        return RuleValidator.Validate(document.RootElement.Clone(), pathId);
    }

    private static DocumentFieldError SingleError(string json, string? pathId = null)
    {
        var result = Validate(json, pathId);
        Assert.Null(result.Rule);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void a_minimal_document_gets_the_kind_s_defaults()
    {
        var result = Validate("""{"id": "quiet", "kind": "inactivity"}""");

        Assert.Empty(result.Errors);
        Assert.Equal(
            new RuleDefinition
            {
                Id = "quiet",
                Kind = RuleKinds.Inactivity,
                Parameters = new RuleParameters { Days = 14 },
                Severity = RuleSeverities.Warning,
                Cooldown = TimeSpan.FromHours(24),
                Destination = null,
                Enabled = true,
            },
            result.Rule);
        Assert.Null(result.ExpectedVersion);
    }

    [Fact]
    public void a_full_threshold_document_is_read_as_written()
    {
        var result = Validate("""
            {"id": "heavy-api", "kind": "threshold", "severity": "critical", "cooldown": "7d", "destination": "#growth", "enabled": false, "version": 3,
             "parameters": {"feature": "api.call", "window": "1h", "operator": "<", "value": 2.5, "plans": ["pro", "team"]}}
            """);

        Assert.Empty(result.Errors);
        var rule = result.Rule!;
        Assert.Equal(("heavy-api", "critical", TimeSpan.FromDays(7), "#growth", false), (rule.Id, rule.Severity, rule.Cooldown, rule.Destination, rule.Enabled));
        Assert.Equal("api.call", rule.Parameters.Feature);
        Assert.Null(rule.Parameters.Event);
        Assert.Equal(("1h", "<", 2.5), (rule.Parameters.Window, rule.Parameters.Operator, rule.Parameters.Value));
        Assert.Equal(["pro", "team"], rule.Parameters.Plans!);
        Assert.Equal(3, result.ExpectedVersion);
    }

    [Theory]
    [InlineData("""{"id": "r", "kind": "inactivity", "threshold": 3}""", "threshold", "is not a rule field")]
    [InlineData("""{"kind": "inactivity"}""", "id", "is required")]
    [InlineData("""{"id": "Has Space", "kind": "inactivity"}""", "id", "must be 1 to 64 characters")]
    [InlineData("""{"id": "r", "kind": "sudden_love"}""", "kind", "must be one of paid_feature_on_free_plan, usage_spike")]
    [InlineData("""{"id": "r"}""", "kind", "is required")]
    [InlineData("""{"id": "r", "kind": "inactivity", "severity": "loud"}""", "severity", "must be one of info, warning, critical")]
    [InlineData("""{"id": "r", "kind": "inactivity", "cooldown": "soon"}""", "cooldown", "must be a duration")]
    [InlineData("""{"id": "r", "kind": "inactivity", "cooldown": "400d"}""", "cooldown", "at most 365d")]
    [InlineData("""{"id": "r", "kind": "inactivity", "destination": "ada-alerts"}""", "destination", "must be a Slack channel")]
    [InlineData("""{"id": "r", "kind": "inactivity", "enabled": "yes"}""", "enabled", "must be true or false")]
    [InlineData("""{"id": "r", "kind": "inactivity", "version": -1}""", "version", "must be a whole number from 0")]
    [InlineData("""{"id": "r", "kind": "inactivity", "parameters": []}""", "parameters", "must be an object")]
    [InlineData("""{"id": "r", "kind": "inactivity", "parameters": {"days": 0}}""", "parameters.days", "must be a whole number from 1 to 365")]
    [InlineData("""{"id": "r", "kind": "inactivity", "parameters": {"factor": 2}}""", "parameters.factor", "does not apply to inactivity, which takes days")]
    [InlineData("""{"id": "r", "kind": "payment_failed", "parameters": {"days": 2}}""", "parameters.days", "payment_failed takes no parameters")]
    [InlineData("""{"id": "r", "kind": "paid_feature_on_free_plan"}""", "parameters.features", "is required")]
    [InlineData("""{"id": "r", "kind": "paid_feature_on_free_plan", "parameters": {"features": []}}""", "parameters.features", "must be a list of 1 to 100")]
    [InlineData("""{"id": "r", "kind": "paid_feature_on_free_plan", "parameters": {"features": ["sso"], "window_hours": 49}}""", "parameters.window_hours", "from 1 to 48")]
    [InlineData("""{"id": "r", "kind": "usage_spike", "parameters": {"event": "x", "factor": 1}}""", "parameters.factor", "greater than 1")]
    [InlineData("""{"id": "r", "kind": "usage_spike", "parameters": {}}""", "parameters.event", "or 'feature' is required")]
    [InlineData("""{"id": "r", "kind": "usage_spike", "parameters": {"event": "x", "feature": "y"}}""", "parameters.feature", "cannot be given with 'event'")]
    [InlineData("""{"id": "r", "kind": "seat_growth", "parameters": {"metric": "active_users", "min_count": 3}}""", "parameters.min_count", "does not apply to metric active_users")]
    [InlineData("""{"id": "r", "kind": "engagement_drop", "parameters": {"percent": 120}}""", "parameters.percent", "at most 100")]
    [InlineData("""{"id": "r", "kind": "engagement_drop", "parameters": {"event": "x"}}""", "parameters.event", "does not apply to metric active_users")]
    [InlineData("""{"id": "r", "kind": "threshold", "parameters": {"event": "x", "value": 3}}""", "parameters.window", "is required")]
    [InlineData("""{"id": "r", "kind": "threshold", "parameters": {"event": "x", "window": "2d", "value": 3}}""", "parameters.window", "must be one of 1h, 24h, 7d, 28d")]
    [InlineData("""{"id": "r", "kind": "threshold", "parameters": {"event": "x", "window": "7d"}}""", "parameters.value", "is required")]
    [InlineData("""{"id": "r", "kind": "threshold", "parameters": {"event": "x", "window": "7d", "value": 1, "operator": "=="}}""", "parameters.operator", "must be one of >=, >, <=, <")]
    [InlineData("""{"id": "r", "kind": "health_score", "parameters": {"value": 101}}""", "parameters.value", "at most 100")]
    [InlineData("""{"id": "r", "kind": "health_score", "parameters": {"window": "7d"}}""", "parameters.window", "does not apply to health_score, which takes operator, value")]
    public void a_bad_field_is_named_with_what_is_wrong(string json, string field, string error)
    {
        var e = SingleError(json);

        Assert.Equal(field, e.Field);
        Assert.Contains(error, e.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void a_health_score_rule_defaults_to_below_40()
    {
        var rule = Validate("""{"id": "unhealthy", "kind": "health_score"}""").Rule!;

        Assert.Equal(("<", 40.0, RuleSeverities.Warning), (rule.Parameters.Operator, rule.Parameters.Value!.Value, rule.Severity));
    }

    [Fact]
    public void the_id_in_a_put_path_is_the_rule_s_and_the_body_may_not_rename_it()
    {
        Assert.Equal("quiet", Validate("""{"kind": "inactivity"}""", pathId: "quiet").Rule!.Id);

        var e = SingleError("""{"id": "loud", "kind": "inactivity"}""", pathId: "quiet");
        Assert.Equal("id", e.Field);
        Assert.Contains("a rule cannot be renamed", e.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void every_problem_is_reported_not_only_the_first()
    {
        var result = Validate("""{"id": "r", "kind": "usage_spike", "severity": "loud", "parameters": {"factor": 0, "days": 3}}""");

        Assert.Null(result.Rule);
        Assert.Equal(["parameters.days", "parameters.event", "parameters.factor", "severity"], result.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void a_body_that_is_not_an_object_is_refused()
    {
        Assert.Equal(new DocumentFieldError("", "A rule is a JSON object."), SingleError("[1, 2]"));
    }

    [Theory]
    [InlineData("90s", 0, 1, 30)]
    [InlineData("15m", 0, 15, 0)]
    [InlineData("24h", 24, 0, 0)]
    [InlineData("00:30:00", 0, 30, 0)]
    public void durations_read_units_and_the_net_form(string text, int hours, int minutes, int seconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(new TimeSpan(hours, minutes, seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("-5m")]
    [InlineData("5w")]
    [InlineData("-00:30:00")]
    public void bad_durations_are_refused(string text) => Assert.False(Durations.TryParse(text, out _));

    [Fact]
    public void durations_are_written_in_the_largest_exact_unit()
    {
        Assert.Equal(["7d", "36h", "90m", "45s", "0s"], new[] { TimeSpan.FromDays(7), TimeSpan.FromHours(36), TimeSpan.FromMinutes(90), TimeSpan.FromSeconds(45), TimeSpan.Zero }.Select(Durations.Format));
    }
}
