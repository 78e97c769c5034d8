using IngestLayer.Contracts;
using IngestLayer.Slack;

namespace IngestLayer.SlackTests;

public sealed class EngagementMessageRendererTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly EngagementMessageRenderer _renderer = new();

    [Fact]
    public void values_from_events_cannot_ping_the_channel_or_forge_a_link()
    {
        var account = Account() with
        {
            Profile = new AccountProfile { Name = "<!channel> Evil & Co", Plan = "<https://evil.example|free>", Owner = "<@U0ADMIN>" },
            Features = new Dictionary<string, WindowCounts> { ["<!here>"] = new(1, 1, 1, 1) },
        };

        // Only mrkdwn is interpreted; the header is plain text, shown as it is.
        var response = _renderer.Render(account);
        var text = string.Join("\n", Texts(response, mrkdwnOnly: true));

        Assert.DoesNotContain("<!channel>", text);
        Assert.DoesNotContain("<!here>", text);
        Assert.DoesNotContain("<https://evil.example", text);
        Assert.DoesNotContain("<@U0ADMIN>", text);
        Assert.Contains("&lt;!channel&gt; Evil &amp; Co", response.Text); // the notification text is mrkdwn too
        Assert.Contains("*Owner*\n&lt;@U0ADMIN&gt;", text);
    }

    [Fact]
    public void an_account_with_no_recent_features_or_alerts_says_so()
    {
        var text = string.Join("\n", Texts(_renderer.Render(Account())));

        Assert.Contains("*Top features, last 7 days*\n_no feature used in the last 7 days_", text);
        Assert.Contains("*Last alerts*\n_none_", text);
        Assert.Contains("*Plan*\nunknown", text);
        Assert.Contains("*Owner*\nunassigned", text);
    }

    [Fact]
    public void only_the_five_most_used_features_of_the_week_are_listed_and_unused_ones_never()
    {
        var features = Enumerable.Range(1, 8).ToDictionary(i => $"f{i}", i => new WindowCounts(0, 0, i == 8 ? 0 : i, 100));

        var text = string.Join("\n", Texts(_renderer.Render(Account() with { Features = features })));

        Assert.Contains("1. `f7` 7\n2. `f6` 6\n3. `f5` 5\n4. `f4` 4\n5. `f3` 3", text);
        Assert.DoesNotContain("`f8`", text);
        Assert.DoesNotContain("`f2`", text);
    }

    [Fact]
    public void the_last_three_alerts_are_listed_newest_first_with_who_acknowledged()
    {
        var alerts = Enumerable.Range(1, 5)
            .Select(i => new AlertSummary($"al_{i}", $"signal_{i}", Now.AddHours(-i), $"reason {i}", i == 1 ? "ada" : null, i == 1 ? Now : null))
            .ToList();

        var text = string.Join("\n", Texts(_renderer.Render(Account() with { RecentAlerts = alerts })));

        Assert.Contains("`signal_1` reason 1 _(acknowledged by ada)_", text);
        Assert.Contains("`signal_3` reason 3", text);
        Assert.DoesNotContain("signal_4", text);
    }

    [Fact]
    public void an_unknown_account_with_close_ids_is_asked_about_them() =>
        Assert.Equal(
            "No account `acme` in workspace `default`. Did you mean `Acme`, `acme-labs`?",
            _renderer.NotFound("acme", "default", "/engagement", ["Acme", "acme-labs"]).Text);

    private static AccountSnapshot Account() => new()
    {
        Workspace = "default",
        AccountId = "acme",
        AsOf = Now,
        Health = new HealthSnapshot(50, [new HealthComponent("breadth", 25, 25, "5 features used in the last 28 days")]),
    };

    private static IEnumerable<string> Texts(SlackCommandResponse response, bool mrkdwnOnly = false)
    {
        foreach (var block in response.Blocks ?? [])
        {
            switch (block)
            {
                case HeaderBlock h when !mrkdwnOnly:
                    yield return h.Text.Text;
                    break;
                case SectionBlock s:
                    if (s.Text is { } t)
                    {
                        yield return t.Text;
                    }

                    foreach (var f in s.Fields ?? [])
                    {
                        yield return f.Text;
                    }

                    break;
                case ContextBlock c:
                    foreach (var e in c.Elements)
                    {
                        yield return e.Text;
                    }

                    break;
            }
        }
    }
}
