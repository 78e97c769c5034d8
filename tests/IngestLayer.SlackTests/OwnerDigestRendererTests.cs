using IngestLayer.Contracts;
using IngestLayer.Slack;

namespace IngestLayer.SlackTests;

public sealed class OwnerDigestRendererTests
{
    private static readonly DateOnly Day = new(2026, 3, 29);
    private readonly OwnerDigestRenderer _renderer = new();

    [Fact]
    public void a_digest_has_a_header_the_counts_by_category_and_a_section_per_account_with_its_signals()
    {
        var message = _renderer.Render(
            "dana@vendor.example",
            Day,
            [
                Alert("acc_1", "Globex", "expansion", "paid_feature_on_free_plan", "Globex used csv.export on the free plan.", minute: 1),
                Alert("acc_2", "Initech", "risk", "payment_failed", "An invoice payment failed.", minute: 2),
                Alert("acc_1", "Globex", "expansion", "seat_growth", "4 invites in 7 days.", minute: 3),
            ],
            "#dana");

        Assert.Equal("#dana", message.Channel);
        Assert.Equal("Daily digest for dana@vendor.example: 3 signals (2 expansion · 1 risk)", message.Text);
        Assert.Collection(
            message.Blocks,
            b => Assert.Equal(new HeaderBlock(SlackText.Plain("Daily digest for dana@vendor.example: 3 signals")), b),
            b => Assert.Equal(SlackText.Mrkdwn("Sunday 29 March 2026 · 2 expansion · 1 risk"), Assert.IsType<SectionBlock>(b).Text),
            b => Assert.Equal(
                SlackText.Mrkdwn("*Globex* (`acc_1`) · 2 signals\n• `paid_feature_on_free_plan` — Globex used csv.export on the free plan.\n• `seat_growth` — 4 invites in 7 days."),
                Assert.IsType<SectionBlock>(b).Text),
            b => Assert.Equal(
                SlackText.Mrkdwn("*Initech* (`acc_2`) · 1 signal\n• `payment_failed` — An invoice payment failed."),
                Assert.IsType<SectionBlock>(b).Text));
    }

    [Fact]
    public void user_values_are_escaped()
    {
        var message = _renderer.Render("<!channel>", Day, [Alert("acc_1", "<b>&", "risk", "payment_failed", "<!here> failed", minute: 1)], "#dana");

        var section = Assert.IsType<SectionBlock>(message.Blocks[2]).Text!.Text;
        Assert.Equal("*&lt;b&gt;&amp;* (`acc_1`) · 1 signal\n• `payment_failed` — &lt;!here&gt; failed", section);
        Assert.Equal("Daily digest for &lt;!channel&gt;: 1 signal (1 risk)", message.Text);
    }

    [Fact]
    public void more_accounts_than_blocks_end_with_and_n_more_within_fifty_blocks()
    {
        var alerts = Enumerable.Range(0, 120).Select(i => Alert($"acc_{i}", $"Account {i}", i % 3 == 0 ? "risk" : "expansion", "r", "x", minute: i)).ToList();

        var message = _renderer.Render("dana@vendor.example", Day, alerts, "#dana");

        Assert.Equal(BlockKitLimits.BlocksPerMessage, message.Blocks.Count);
        Assert.Equal(SlackText.Mrkdwn("Sunday 29 March 2026 · 80 expansion · 40 risk"), Assert.IsType<SectionBlock>(message.Blocks[1]).Text);
        Assert.Equal([SlackText.Mrkdwn("…and 73 more accounts (73 signals)")], Assert.IsType<ContextBlock>(message.Blocks[^1]).Elements);
        Assert.Equal(47, message.Blocks.Count(b => b is SectionBlock { Text.Text: var t } && t.StartsWith("*Account", StringComparison.Ordinal)));
    }

    [Fact]
    public void an_account_with_more_signals_than_a_section_holds_ends_with_and_n_more()
    {
        var alerts = Enumerable.Range(0, 40).Select(i => Alert("acc_1", "Globex", "expansion", $"rule_{i}", new string('x', 400), minute: i)).ToList();

        var section = Assert.IsType<SectionBlock>(_renderer.Render("dana@vendor.example", Day, alerts, "#dana").Blocks[2]).Text!.Text;

        Assert.True(section.Length <= BlockKitLimits.SectionText, $"The section has {section.Length} characters.");
        var lines = section.Split('\n');
        var shown = lines.Count(l => l.StartsWith("• ", StringComparison.Ordinal));
        Assert.Equal($"…and {40 - shown} more", lines[^1]);
        Assert.InRange(shown, 5, 7);
        Assert.All(lines.Where(l => l.StartsWith("• ", StringComparison.Ordinal)), l => Assert.True(l.Length - 2 <= OwnerDigestRenderer.MaxLineLength));
    }

    [Fact]
    public void a_long_owner_keeps_the_header_within_its_limit()
    {
        var header = Assert.IsType<HeaderBlock>(_renderer.Render(new string('o', 400), Day, [Alert("a", null, "risk", "r", "x", 1)], "#dana").Blocks[0]);

        Assert.Equal(BlockKitLimits.HeaderText, header.Text.Text.Length);
        Assert.EndsWith("…", header.Text.Text, StringComparison.Ordinal);
    }

    private static Alert Alert(string account, string? name, string category, string rule, string explanation, int minute) => new()
    {
        AlertId = $"al_{account}_{rule}_{minute}",
        Workspace = "ws",
        AccountId = account,
        AccountName = name,
        Signal = rule,
        Rule = rule,
        Category = category,
        Explanation = explanation,
        Owner = "dana@vendor.example",
        FiredAt = new DateTimeOffset(2026, 3, 28, 10, 0, 0, TimeSpan.Zero).AddMinutes(minute),
    };
}
