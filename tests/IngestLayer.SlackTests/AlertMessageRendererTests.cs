using IngestLayer.Contracts;
using IngestLayer.Slack;

namespace IngestLayer.SlackTests;

public sealed class AlertMessageRendererTests
{
    private readonly AlertMessageRenderer _renderer = new();

    [Fact]
    public void an_alert_renders_as_header_explanation_fields_and_context()
    {
        var message = _renderer.Render(SampleAlerts.PaidFeatureOnFreePlan(), "#alerts");

        Assert.Equal("#alerts", message.Channel);
        Assert.Null(message.ThreadTs);
        Assert.Collection(
            message.Blocks,
            b => Assert.Equal(new HeaderBlock(SlackText.Plain("Expansion: free plan using a paid feature")), b),
            b => Assert.Equal(
                SlackText.Mrkdwn("Globex (acc_42) is on the free plan and used the paid feature csv.export 3 times in the last 24h."),
                Assert.IsType<SectionBlock>(b).Text),
            b => Assert.Equal(8, Assert.IsType<SectionBlock>(b).Fields!.Count),
            b => Assert.Equal(
                [SlackText.Mrkdwn("`paid_feature_on_free_plan` · expansion/info · fired <!date^1741080600^{date_short_pretty} {time}|2025-03-04 09:30 UTC>")],
                Assert.IsType<ContextBlock>(b).Elements));
    }

    [Fact]
    public void the_fallback_text_is_the_title_and_the_explanation()
    {
        var message = _renderer.Render(SampleAlerts.PaidFeatureOnFreePlan(), "#alerts");

        Assert.Equal(
            "Expansion: free plan using a paid feature — Globex (acc_42) is on the free plan and used the paid feature csv.export 3 times in the last 24h.",
            message.Text);
    }

    [Fact]
    public void user_values_have_slack_control_characters_escaped()
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan() with
        {
            AccountName = "<!channel> & Co",
            Explanation = "Acme <b> & Co > 3",
            Evidence = [new("Link", "<https://evil.example|click>")],
        };

        var message = _renderer.Render(alert, "#alerts");

        Assert.Equal("Acme &lt;b&gt; &amp; Co &gt; 3", Assert.IsType<SectionBlock>(message.Blocks[1]).Text!.Text);
        var fields = Assert.IsType<SectionBlock>(message.Blocks[2]).Fields!;
        Assert.Equal("*Account*\n&lt;!channel&gt; &amp; Co (`acc_42`)", fields[0].Text);
        Assert.Equal("*Link*\n&lt;https://evil.example|click&gt;", fields[^1].Text);
        Assert.Equal("Expansion: free plan using a paid feature — Acme &lt;b&gt; &amp; Co &gt; 3", message.Text);
    }

    [Fact]
    public void the_header_is_plain_text_and_not_escaped()
    {
        var message = _renderer.Render(SampleAlerts.PaidFeatureOnFreePlan() with { Title = "Risk: A & B <3" }, "#alerts");

        Assert.Equal(new HeaderBlock(SlackText.Plain("Risk: A & B <3")), message.Blocks[0]);
    }

    [Fact]
    public void a_200_character_title_is_truncated_to_150_with_an_ellipsis()
    {
        var title = new string('x', 200);

        var header = Assert.IsType<HeaderBlock>(_renderer.Render(SampleAlerts.PaidFeatureOnFreePlan() with { Title = title }, "#alerts").Blocks[0]);

        Assert.Equal(150, header.Text.Text.Length);
        Assert.Equal(new string('x', 149) + "…", header.Text.Text);
    }

    [Fact]
    public void more_than_ten_fields_are_split_into_sections_of_at_most_ten()
    {
        var evidence = Enumerable.Range(1, 15).Select(i => new EvidenceItem($"n{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();

        var message = _renderer.Render(SampleAlerts.PaidFeatureOnFreePlan() with { Evidence = evidence }, "#alerts");

        // 4 account fields + 15 evidence items = 19 fields.
        var sections = message.Blocks.OfType<SectionBlock>().Where(s => s.Fields is not null).ToList();
        Assert.Equal([10, 9], sections.Select(s => s.Fields!.Count));
        Assert.Equal("*n15*\n15", sections[1].Fields![^1].Text);
    }

    [Fact]
    public void a_huge_explanation_and_evidence_stay_within_block_kit_limits()
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan() with
        {
            Explanation = new string('&', 5000),
            Evidence = Enumerable.Range(1, 600).Select(i => new EvidenceItem(new string('l', 3000), new string('<', 3000))).ToList(),
        };

        var message = SlackMessageLimiter.Fit(_renderer.Render(alert, "#alerts"));

        BlockKitAssert.WithinLimits(message);
        var explanation = Assert.IsType<SectionBlock>(message.Blocks[1]).Text!.Text;
        Assert.Equal(BlockKitLimits.SectionText - 4, explanation.Length); // 599 × "&amp;" then the ellipsis
        Assert.EndsWith("&amp;…", explanation);
        Assert.All(message.Blocks.OfType<SectionBlock>().SelectMany(s => s.Fields ?? []), f => Assert.InRange(f.Text.Length, 1, BlockKitLimits.FieldText));
        Assert.IsType<ContextBlock>(message.Blocks[^1]);
    }

    [Fact]
    public void an_alert_without_title_or_explanation_still_renders_a_header()
    {
        var message = _renderer.Render(SampleAlerts.PaidFeatureOnFreePlan() with { Title = "", Explanation = "" }, "#alerts");

        Assert.Equal(new HeaderBlock(SlackText.Plain("Expansion: paid_feature_on_free_plan")), message.Blocks[0]);
        Assert.Equal("Expansion: paid_feature_on_free_plan", message.Text);
        Assert.IsType<SectionBlock>(message.Blocks[1]);
        Assert.NotNull(((SectionBlock)message.Blocks[1]).Fields);
    }
}
