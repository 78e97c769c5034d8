using IngestLayer.Slack;

namespace IngestLayer.SlackTests;

public sealed class SlackMarkupTests
{
    [Theory]
    [InlineData("a & b", "a &amp; b")]
    [InlineData("<@U123> <!here>", "&lt;@U123&gt; &lt;!here&gt;")]
    [InlineData("*bold* stays", "*bold* stays")]
    [InlineData("", "")]
    public void escaping_replaces_only_ampersand_and_angle_brackets(string value, string expected) =>
        Assert.Equal(expected, SlackMarkup.EscapeMrkdwn(value));

    [Fact]
    public void escaping_with_a_limit_never_cuts_an_entity_in_half() =>
        Assert.Equal("ab…", SlackMarkup.EscapeMrkdwn("ab&cd", 6));

    [Fact]
    public void escaping_with_a_limit_keeps_text_that_fits_exactly() =>
        Assert.Equal("ab&amp;", SlackMarkup.EscapeMrkdwn("ab&", 7));

    [Fact]
    public void truncation_never_splits_a_surrogate_pair() =>
        Assert.Equal("ab…", SlackMarkup.Truncate("ab😀cd", 4));

    [Fact]
    public void truncation_leaves_short_text_alone() =>
        Assert.Equal("abc", SlackMarkup.Truncate("abc", 3));

    [Theory]
    [InlineData(0, "")] // no room even for the ellipsis: nothing, as mrkdwn truncation gives
    [InlineData(1, "…")]
    [InlineData(2, "a…")]
    public void plain_and_mrkdwn_truncation_cut_plain_text_alike(int maxLength, string expected)
    {
        Assert.Equal(expected, SlackMarkup.Truncate("abcdef", maxLength));
        Assert.Equal(expected, SlackMarkup.TruncateMrkdwn("abcdef", maxLength));
    }
}
