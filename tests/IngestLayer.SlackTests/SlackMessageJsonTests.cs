using System.Text.Json;
using IngestLayer.Slack;

namespace IngestLayer.SlackTests;

public sealed class SlackMessageJsonTests
{
    [Fact]
    public void a_message_serializes_as_slack_json_in_snake_case_without_nulls()
    {
        var message = new SlackMessage("alerts", "hi", [new HeaderBlock(SlackText.Plain("Title")), new SectionBlock(Fields: [SlackText.Mrkdwn("*a*")])], ThreadTs: "1.2");

        var json = JsonSerializer.Serialize(message, SlackJsonContext.Default.SlackMessage);

        Assert.Equal(
            """{"channel":"alerts","text":"hi","blocks":[{"type":"header","text":{"type":"plain_text","text":"Title"}},{"type":"section","fields":[{"type":"mrkdwn","text":"*a*"}]}],"thread_ts":"1.2"}""",
            json);
    }
}
