using System.Text;
using IngestLayer.Gateway.Parsing;

namespace IngestLayer.UnitTests;

public class JsonEscapesTests
{
    [Theory]
    [InlineData("""{"a":"plain"}""", false)]
    [InlineData("""{"a":"\ud83d\ude00"}""", false)]
    [InlineData("""{"a":"\\ud800"}""", false)] // an escaped backslash, then the text "ud800"
    [InlineData("""{"a":"\n\t\"\u00e9"}""", false)]
    [InlineData("""{"a":"\ud800"}""", true)]
    [InlineData("""{"a":"\udc00"}""", true)]
    [InlineData("""{"a":"\ud800\u0041"}""", true)]
    [InlineData("""{"a":"x\ud800""", true)]
    [InlineData("""\""", false)]
    [InlineData("""\u12""", false)]
    public void lone_surrogate_escapes_are_found_and_pairs_and_other_escapes_are_not(string json, bool lone)
    {
        Assert.Equal(lone, JsonEscapes.HasLoneSurrogate(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void invalid_utf8_is_named_before_a_lone_surrogate()
    {
        Assert.Null(JsonEscapes.TextError("""{"a":"é😀"}"""u8));
        Assert.Equal(JsonEscapes.InvalidUtf8Error, JsonEscapes.TextError([(byte)'{', (byte)'"', 0xC3, (byte)'"', (byte)'}']));
        Assert.Equal(JsonEscapes.LoneSurrogateError, JsonEscapes.TextError("""{"a":"\ud800"}"""u8));
    }
}
