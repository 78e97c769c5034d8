using IngestLayer.Gateway.SlackApp;

namespace IngestLayer.UnitTests.SlackApp;

public sealed class AccountSuggestionsTests
{
    private static readonly string[] Known = ["acme", "acme-labs", "acne", "globex", "initech", "umbrella-corp", "ACME-EU"];

    [Fact]
    public void the_same_letters_in_other_case_come_first_then_prefixes_then_typos()
    {
        Assert.Equal(["acme", "ACME-EU", "acme-labs"], AccountSuggestions.Closest("Acme", Known));
    }

    [Fact]
    public void a_typo_finds_the_id_one_edit_away() =>
        Assert.Equal(["globex"], AccountSuggestions.Closest("glbex", Known));

    [Fact]
    public void a_part_of_an_id_finds_it() =>
        Assert.Equal(["umbrella-corp"], AccountSuggestions.Closest("rella", Known));

    [Fact]
    public void nothing_close_suggests_nothing() =>
        Assert.Empty(AccountSuggestions.Closest("zzzzzzzz", Known));

    [Fact]
    public void at_most_three_are_suggested() =>
        Assert.Equal(AccountSuggestions.Max, AccountSuggestions.Closest("a", ["a1", "a2", "a3", "a4", "a5"]).Count);
}
