using System.Text;
using IngestLayer.Slack;
using IngestLayer.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IngestLayer.SlackTests;

public sealed class SlackSignatureVerifierTests
{
    // Slack's worked example ("Verifying requests from Slack", docs.slack.dev/authentication/verifying-requests-from-slack).
    private const string DocSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string DocTimestamp = "1531420618";
    private const string DocBody = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string DocSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private static readonly DateTimeOffset DocTime = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    [Fact]
    public void slacks_published_example_signs_to_the_published_signature() =>
        Assert.Equal(DocSignature, SlackSignatureVerifier.Sign(DocSecret, DocTimestamp, Encoding.UTF8.GetBytes(DocBody)));

    [Fact]
    public void the_test_helper_signs_slacks_published_example_the_same_way() =>
        Assert.Equal(DocSignature, SlackRequests.Sign(DocSecret, DocTimestamp, DocBody));

    [Theory]
    [InlineData(0)]
    [InlineData(299)]
    [InlineData(-299)]
    public void slacks_published_example_verifies_within_five_minutes_of_its_timestamp(int secondsLater) =>
        Assert.Equal(SlackSignatureCheck.Valid, Verifier(DocTime.AddSeconds(secondsLater)).Verify(DocTimestamp, DocSignature, Encoding.UTF8.GetBytes(DocBody)));

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    [InlineData(86_400)]
    public void a_timestamp_more_than_five_minutes_away_is_stale_even_with_a_good_signature(int secondsLater) =>
        Assert.Equal(SlackSignatureCheck.Stale, Verifier(DocTime.AddSeconds(secondsLater)).Verify(DocTimestamp, DocSignature, Encoding.UTF8.GetBytes(DocBody)));

    [Fact]
    public void a_body_changed_by_one_character_does_not_verify() =>
        Assert.Equal(SlackSignatureCheck.Invalid, Verifier(DocTime).Verify(DocTimestamp, DocSignature, Encoding.UTF8.GetBytes(DocBody.Replace("text=", "text=x", StringComparison.Ordinal))));

    [Theory]
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b504")] // last digit
    [InlineData("V0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")] // version case
    [InlineData("v0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD27519666489C69B503")] // Slack sends lower case
    [InlineData("v0=a2114d57")]
    [InlineData("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    public void a_forged_or_mangled_signature_does_not_verify(string signature) =>
        Assert.Equal(SlackSignatureCheck.Invalid, Verifier(DocTime).Verify(DocTimestamp, signature, Encoding.UTF8.GetBytes(DocBody)));

    [Fact]
    public void a_signature_made_with_another_secret_does_not_verify()
    {
        var forged = SlackRequests.Sign("not-the-apps-secret", DocTimestamp, DocBody);

        Assert.Equal(SlackSignatureCheck.Invalid, Verifier(DocTime).Verify(DocTimestamp, forged, Encoding.UTF8.GetBytes(DocBody)));
    }

    [Theory]
    [InlineData(null, DocSignature)]
    [InlineData(DocTimestamp, null)]
    [InlineData("", "")]
    public void missing_headers_are_reported_as_missing(string? timestamp, string? signature) =>
        Assert.Equal(SlackSignatureCheck.Missing, Verifier(DocTime).Verify(timestamp, signature, Encoding.UTF8.GetBytes(DocBody)));

    [Theory]
    [InlineData("1531420618.5")]
    [InlineData("-1531420618")]
    [InlineData("99999999999999999999")]
    public void a_timestamp_that_is_not_whole_seconds_is_invalid(string timestamp) =>
        Assert.Equal(SlackSignatureCheck.Invalid, Verifier(DocTime).Verify(timestamp, DocSignature, Encoding.UTF8.GetBytes(DocBody)));

    [Fact]
    public void without_a_signing_secret_nothing_verifies() =>
        Assert.Equal(SlackSignatureCheck.NotConfigured, Verifier(DocTime, secret: null).Verify(DocTimestamp, DocSignature, Encoding.UTF8.GetBytes(DocBody)));

    private static SlackSignatureVerifier Verifier(DateTimeOffset now, string? secret = DocSecret)
    {
        var options = new SlackOptions { SigningSecret = secret };
        return new SlackSignatureVerifier(new StaticOptionsMonitor(options), new FakeTimeProvider(now));
    }

    private sealed class StaticOptionsMonitor(SlackOptions value) : IOptionsMonitor<SlackOptions>
    {
        public SlackOptions CurrentValue => value;

        public SlackOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SlackOptions, string?> listener) => null;
    }
}
