using System.Diagnostics;
using IngestLayer.Pipelines.Runtime;

namespace IngestLayer.UnitTests.Pipelines;

public class EventNamePatternTests
{
    [Theory]
    [InlineData("feature.used", "feature.used", true)]
    [InlineData("feature.used", "feature.Used", false)] // case-sensitive
    [InlineData("feature.used", "featureXused", false)] // a dot is literal
    [InlineData("billing *", "billing invoice payment failed", true)]
    [InlineData("billing *", "billing ", true)] // * matches no text too
    [InlineData("billing *", "billing", false)]
    [InlineData("billing *", "xbilling invoice", false)]
    [InlineData("*", "", true)]
    [InlineData("*", "$pageview", true)]
    [InlineData("$page?iew", "$pageview", true)]
    [InlineData("$page?iew", "$pageiew", false)] // ? is exactly one character
    [InlineData("?", "", false)]
    [InlineData("*.used", "feature.used", true)]
    [InlineData("*.used", "feature.used.twice", false)]
    [InlineData("*a*b", "xaxxaxb", true)]
    [InlineData("a*b*c", "abbbc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("**x", "abcx", true)]
    [InlineData("team * invited", "team member invited", true)]
    [InlineData("team * invited", "team member invited again", false)]
    public void a_pattern_matches_as_a_glob(string pattern, string name, bool matches)
    {
        Assert.Equal(matches, new EventNamePattern(pattern).Matches(name));
    }

    [Theory]
    [InlineData("feature.used", true)]
    [InlineData("$pageview", true)]
    [InlineData("billing *", false)]
    [InlineData("a?c", false)]
    public void only_a_pattern_without_wildcards_is_exact(string pattern, bool exact)
    {
        Assert.Equal(exact, new EventNamePattern(pattern).IsExact);
    }

    [Fact]
    public void a_pathological_pattern_against_a_long_name_finishes_fast()
    {
        // Backtracking per star would try about n^10 splits here; one backtrack point is linear in the stars.
        var pattern = new EventNamePattern(string.Concat(Enumerable.Repeat("*a", 10)) + "*b");
        var name = new string('a', 20_000);

        var clock = Stopwatch.StartNew();
        var matched = pattern.Matches(name);
        clock.Stop();

        Assert.False(matched);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"matching took {clock.Elapsed}");
        Assert.True(pattern.Matches(name + "b"));
    }
}
