using System.Globalization;
using IngestLayer.Slack;
using IngestLayer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.SlackTests;

/// <summary>Channels: every page of <c>conversations.list</c>, and a bot not in a channel joining it to post.</summary>
public sealed class SlackChannelTests : IAsyncLifetime
{
    private const string Workspace = "acme";
    private FakeSlack _slack = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlack.StartAsync(o =>
        {
            o.ChannelsWithoutBot.Add("ada-alerts");
            o.PrivateChannels.Add("board-room");
        });
        _services = SlackAppServices.Build(_slack, botToken: _slack.BotToken);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private SlackPoster Poster => _services.GetRequiredService<SlackPoster>();

    private IEnumerable<string> CallLog() => _slack.Calls.Select(c => $"{c.Method} {c.Channel} {c.Error}".TrimEnd());

    [Fact]
    public async Task every_page_of_channels_is_followed_to_the_last_cursor()
    {
        for (var i = 0; i < 450; i++)
        {
            _slack.AddChannel("team-" + i.ToString("D3", CultureInfo.InvariantCulture), botIsMember: i % 2 == 0);
        }

        var listed = await _services.GetRequiredService<SlackClient>().ListChannelsAsync(_slack.BotToken, "public_channel,private_channel", CancellationToken.None);

        Assert.Null(listed.Failure);
        // 450 + alerts + ada-alerts; the private channel the bot is not in is not visible to it.
        Assert.Equal(452, listed.Channels!.Count);
        Assert.Equal(452, listed.Channels.Select(c => c.Id).Distinct().Count());
        Assert.DoesNotContain(listed.Channels, c => c.Name == "board-room");
        Assert.Contains(new SlackChannel(_slack.ChannelId("ada-alerts"), "ada-alerts", IsMember: false, IsPrivate: false), listed.Channels);
        Assert.Equal(225, listed.Channels.Count(c => c.Name.StartsWith("team-", StringComparison.Ordinal) && c.IsMember));
        Assert.Equal(3, _slack.Calls.Count(c => c.Method == "conversations.list"));
    }

    [Fact]
    public async Task a_public_channel_the_bot_is_not_in_is_joined_and_the_message_posted()
    {
        var result = await Poster.PostAsync(Workspace, new SlackMessage("#ada-alerts", "hello", []), CancellationToken.None);

        Assert.IsType<SlackPostResult.Ok>(result);
        var id = _slack.ChannelId("ada-alerts");
        Assert.Equal(["chat.postMessage #ada-alerts not_in_channel", "conversations.list", $"conversations.join {id}", "chat.postMessage #ada-alerts"], CallLog());
        Assert.Equal("#ada-alerts", Assert.Single(_slack.Messages).Channel);

        // A member now: the next message goes straight in.
        Assert.IsType<SlackPostResult.Ok>(await Poster.PostAsync(Workspace, new SlackMessage("#ada-alerts", "again", []), CancellationToken.None));
        Assert.Equal(5, _slack.Calls.Count);
    }

    [Fact]
    public async Task a_channel_named_by_id_is_joined_without_listing()
    {
        _slack.AddChannel("by-id", botIsMember: false);
        var id = _slack.ChannelId("by-id");

        Assert.IsType<SlackPostResult.Ok>(await Poster.PostAsync(Workspace, new SlackMessage(id, "hello", []), CancellationToken.None));

        Assert.Equal([$"chat.postMessage {id} not_in_channel", $"conversations.join {id}", $"chat.postMessage {id}"], CallLog());
    }

    [Fact]
    public async Task a_private_channel_is_not_joined_and_the_result_says_why()
    {
        var result = await Poster.PostAsync(Workspace, new SlackMessage("#board-room", "hello", []), CancellationToken.None);

        Assert.Equal(new SlackPostResult.Permanent("not_in_channel", "conversations.join: not_a_public_channel"), result);
        Assert.Empty(_slack.Messages);
    }

    [Fact]
    public async Task a_private_channel_named_by_id_fails_the_join_as_slack_says()
    {
        var result = await Poster.PostAsync(Workspace, new SlackMessage(_slack.ChannelId("board-room"), "hello", []), CancellationToken.None);

        Assert.Equal(new SlackPostResult.Permanent("not_in_channel", "conversations.join: method_not_supported_for_channel_type"), result);
    }

    [Fact]
    public async Task a_bot_without_channels_join_reports_the_missing_scope()
    {
        await using var slack = await FakeSlack.StartAsync(o =>
        {
            o.BotTokenScopes = "chat:write,channels:read";
            o.ChannelsWithoutBot.Add("ada-alerts");
        });
        await using var services = SlackAppServices.Build(slack, botToken: slack.BotToken);

        var result = await services.GetRequiredService<SlackPoster>().PostAsync(Workspace, new SlackMessage("#ada-alerts", "hello", []), CancellationToken.None);

        Assert.Equal(new SlackPostResult.Permanent("not_in_channel", "conversations.join: missing_scope"), result);
        Assert.Equal("missing_scope", slack.Calls[^1].Error);
    }
}
