using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Slack;

namespace IngestLayer.SlackTests;

/// <summary>The one place every message is brought within Slack's limits: each renderer's worst case, through it.</summary>
public sealed class SlackMessageLimiterTests
{
    [Fact]
    public void a_message_within_the_limits_is_returned_as_it_is()
    {
        var message = new AlertMessageRenderer().Render(SampleAlerts.PaidFeatureOnFreePlan(), "#alerts");

        Assert.Same(message, SlackMessageLimiter.Fit(message));
    }

    [Fact]
    public void a_digest_of_200_alerts_stays_within_every_limit_and_counts_every_alert_left_out()
    {
        var alerts = Enumerable.Range(0, 200)
            .Select(i => SampleAlerts.PaidFeatureOnFreePlan("#alerts", $"al_{i}") with
            {
                AccountId = $"acc_{i}",
                AccountName = $"Account {i}",
                Explanation = $"<{i}> & " + new string('x', 600),
            })
            .ToList();

        var message = SlackMessageLimiter.Fit(new AlertDigestRenderer().Render(alerts, "#alerts"));

        var blocks = Blocks(message);
        BlockKitAssert.WithinLimits(message);
        var lines = blocks.EnumerateArray().Count(b => b.GetProperty("type").GetString() == "section");
        Assert.InRange(lines, 10, 48);
        Assert.Equal(200, lines + BlockKitAssert.MoreCount(blocks));
        Assert.Equal("200 more alerts for #alerts", message.Text);
    }

    [Fact]
    public void an_alert_with_huge_properties_stays_within_every_limit_and_keeps_its_footer_after_and_n_more()
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan() with
        {
            Title = new string('T', 400),
            Explanation = "<https://example.com|a link> " + new string('&', 5000),
            Evidence = [.. Enumerable.Range(1, 600).Select(i => new EvidenceItem($"property_{i}", new string('v', 1500)))],
        };

        var message = SlackMessageLimiter.Fit(new AlertMessageRenderer().Render(alert, "#alerts"));

        var blocks = Blocks(message);
        BlockKitAssert.WithinLimits(message);
        var fields = blocks.EnumerateArray().Where(b => b.TryGetProperty("fields", out _)).Sum(b => b.GetProperty("fields").GetArrayLength());

        // The 4 fields of the account (account, plan, owner, subject) and the 600 evidence items: shown or counted.
        Assert.Equal(604, fields + BlockKitAssert.MoreCount(blocks));
        Assert.StartsWith("`paid_feature_on_free_plan`", ContextText(blocks[blocks.GetArrayLength() - 1]));
        Assert.StartsWith("…and ", ContextText(blocks[blocks.GetArrayLength() - 2]));
    }

    [Fact]
    public void an_owner_digest_of_many_long_accounts_stays_within_every_limit_and_counts_the_accounts_left_out()
    {
        var alerts = Enumerable.Range(0, 60)
            .SelectMany(a => Enumerable.Range(0, 8).Select(s => SampleAlerts.PaidFeatureOnFreePlan("#alerts", $"al_{a}_{s}") with
            {
                AccountId = $"acc_{a}",
                AccountName = $"Account {a}",
                Rule = $"rule_{s}",
                Explanation = new string('e', 450),
                FiredAt = SampleAlerts.FiredAt.AddMinutes(a),
            }))
            .ToList();

        var message = SlackMessageLimiter.Fit(new OwnerDigestRenderer().Render("dana@vendor.example", new DateOnly(2026, 3, 29), alerts, "#dana"));

        var blocks = Blocks(message);
        BlockKitAssert.WithinLimits(message);

        // Header and counts, then one section per account shown; the rest counted.
        var accounts = blocks.EnumerateArray().Count(b => b.GetProperty("type").GetString() == "section") - 1;
        Assert.Equal(60, accounts + BlockKitAssert.MoreCount(blocks));
    }

    [Fact]
    public void the_renderers_own_summary_is_kept_when_nothing_more_is_left_out()
    {
        var alerts = Enumerable.Range(0, 60).Select(i => SampleAlerts.PaidFeatureOnFreePlan("#alerts", $"al_{i}") with { AccountId = $"acc_{i}", Explanation = "short" }).ToList();

        var message = SlackMessageLimiter.Fit(new OwnerDigestRenderer().Render("dana@vendor.example", new DateOnly(2026, 3, 29), alerts, "#dana"));

        Assert.Equal("…and 13 more accounts (13 signals)", ContextText(Blocks(message)[BlockKitLimits.BlocksPerMessage - 1]));
    }

    [Fact]
    public void a_pipeline_template_of_any_length_is_cut_without_breaking_its_links()
    {
        // A template renders event properties into mrkdwn; the renderer escapes them but keeps the template's own links.
        var template = string.Concat(Enumerable.Range(0, 2000).Select(i => $"<https://example.com/{i}|item {i}> "));
        var alert = SampleAlerts.PaidFeatureOnFreePlan() with { Signal = AlertSignals.Pipeline, Text = template };
        var rendered = new AlertMessageRenderer().Render(alert, "#alerts") with { Text = template };

        var message = SlackMessageLimiter.Fit(rendered);

        BlockKitAssert.WithinLimits(message);
        Assert.EndsWith("> …", message.Text);
        Assert.Equal(message.Text.Count(c => c == '<'), message.Text.Count(c => c == '>'));
    }

    [Fact]
    public void fields_and_context_elements_beyond_their_counts_are_left_out_and_counted()
    {
        var message = new SlackMessage(
            "#alerts",
            "x",
            [
                new HeaderBlock(SlackText.Plain(new string('h', 151))),
                new SectionBlock(Fields: [.. Enumerable.Range(0, 13).Select(i => SlackText.Mrkdwn($"f{i}"))]),
                new ContextBlock([.. Enumerable.Range(0, 12).Select(i => SlackText.Mrkdwn($"c{i}"))]),
            ]);

        var fitted = SlackMessageLimiter.Fit(message);

        BlockKitAssert.WithinLimits(fitted);
        Assert.Equal(new string('h', 149) + "…", Assert.IsType<HeaderBlock>(fitted.Blocks[0]).Text.Text);
        Assert.Equal(10, Assert.IsType<SectionBlock>(fitted.Blocks[1]).Fields!.Count);
        Assert.Equal(5, BlockKitAssert.MoreCount(Blocks(fitted)));
    }

    [Theory]
    [InlineData("abc <https://example.com|link text> def", 12, "abc …")]
    [InlineData("abc &amp; def", 7, "abc …")]
    [InlineData("abc &amp; def", 10, "abc &amp;…")]
    [InlineData("ab😀cd", 4, "ab…")]
    [InlineData("<!date^1700000000^{date}|2023-11-14> tail", 20, "…")]
    [InlineData("short", 5, "short")]
    public void mrkdwn_is_cut_before_a_link_an_entity_or_a_surrogate_pair_it_would_split(string text, int max, string expected)
    {
        var cut = SlackMarkup.TruncateMrkdwn(text, max);

        Assert.Equal(expected, cut);
        Assert.InRange(cut.Length, 0, max);
    }

    private static JsonElement Blocks(SlackMessage message) => message.ToJson().GetProperty("blocks");

    private static string ContextText(JsonElement block) => block.GetProperty("elements")[0].GetProperty("text").GetString()!;
}
