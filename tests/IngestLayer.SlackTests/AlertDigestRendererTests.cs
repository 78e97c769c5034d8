using IngestLayer.Contracts;
using IngestLayer.Slack;

namespace IngestLayer.SlackTests;

public sealed class AlertDigestRendererTests
{
    private readonly AlertDigestRenderer _renderer = new();

    [Fact]
    public void a_digest_has_a_header_naming_the_count_and_channel_and_one_line_per_alert()
    {
        var message = _renderer.Render([Alert(1), Alert(2) with { Rule = "csv_exports", AccountName = null }], "#alerts");

        Assert.Equal("#alerts", message.Channel);
        Assert.Equal("2 more alerts for #alerts", message.Text);
        Assert.Collection(
            message.Blocks,
            b => Assert.Equal(new HeaderBlock(SlackText.Plain("2 more alerts for #alerts")), b),
            b => Assert.Equal(
                SlackText.Mrkdwn("`paid_feature_on_free_plan` · Account 1 (`acc_1`) — Explanation for acc_1."),
                Assert.IsType<SectionBlock>(b).Text),
            // The rule id when the alert has one; the account id alone when there is no name.
            b => Assert.Equal(SlackText.Mrkdwn("`csv_exports` · `acc_2` — Explanation for acc_2."), Assert.IsType<SectionBlock>(b).Text));
    }

    [Fact]
    public void a_single_alert_digest_says_alert_not_alerts() =>
        Assert.Equal(new HeaderBlock(SlackText.Plain("1 more alert for #alerts")), _renderer.Render([Alert(1)], "#alerts").Blocks[0]);

    [Fact]
    public void user_values_are_escaped_and_a_long_explanation_is_cut_to_the_line_limit()
    {
        var alert = Alert(1) with { AccountName = "<!channel> & co", Explanation = new string('x', 5_000) };

        var line = Assert.IsType<SectionBlock>(_renderer.Render([alert], "#alerts").Blocks[1]).Text!.Text;

        Assert.StartsWith("`paid_feature_on_free_plan` · &lt;!channel&gt; &amp; co (`acc_1`) — xxx", line, StringComparison.Ordinal);
        Assert.EndsWith("x…", line, StringComparison.Ordinal);
        Assert.True(line.Length <= AlertDigestRenderer.MaxLineLength, $"The line has {line.Length} characters.");
    }

    [Fact]
    public void forty_nine_alerts_fit_one_per_block_without_a_summary()
    {
        var message = _renderer.Render([.. Enumerable.Range(1, 49).Select(Alert)], "#alerts");

        Assert.Equal(BlockKitLimits.BlocksPerMessage, message.Blocks.Count);
        Assert.All(message.Blocks.Skip(1), b => Assert.IsType<SectionBlock>(b));
    }

    [Fact]
    public void more_alerts_than_blocks_allow_end_with_and_n_more_within_the_block_limit()
    {
        var message = _renderer.Render([.. Enumerable.Range(1, 120).Select(Alert)], "#alerts");

        Assert.Equal(BlockKitLimits.BlocksPerMessage, message.Blocks.Count);
        Assert.Equal(new HeaderBlock(SlackText.Plain("120 more alerts for #alerts")), message.Blocks[0]);
        Assert.Equal(48, message.Blocks.OfType<SectionBlock>().Count());
        Assert.Contains("Account 48 ", Assert.IsType<SectionBlock>(message.Blocks[^2]).Text!.Text, StringComparison.Ordinal);
        Assert.Equal([SlackText.Mrkdwn("…and 72 more")], Assert.IsType<ContextBlock>(message.Blocks[^1]).Elements);
    }

    [Fact]
    public void a_long_channel_name_keeps_the_header_within_its_limit()
    {
        var header = Assert.IsType<HeaderBlock>(_renderer.Render([Alert(1)], "#" + new string('c', 300)).Blocks[0]);

        Assert.Equal(BlockKitLimits.HeaderText, header.Text.Text.Length);
        Assert.EndsWith("…", header.Text.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void an_empty_digest_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _renderer.Render([], "#alerts"));

    private static Alert Alert(int i) => SampleAlerts.PaidFeatureOnFreePlan("#alerts", $"al_{i}") with
    {
        AccountId = $"acc_{i}",
        AccountName = $"Account {i}",
        Explanation = $"Explanation for acc_{i}.",
    };
}
