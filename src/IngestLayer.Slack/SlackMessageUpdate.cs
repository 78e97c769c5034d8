using System.Text.Json;

namespace IngestLayer.Slack;

/// <summary>
/// A <c>chat.update</c> request: replaces the text and blocks of the message <see cref="Ts"/> in <see cref="Channel"/>
/// (a channel id). <see cref="Blocks"/> is raw Block Kit JSON, because an update usually edits the blocks Slack sent
/// back in an interaction payload rather than rendering the message afresh.
/// </summary>
public sealed record SlackMessageUpdate(string Channel, string Ts, string Text, JsonElement Blocks);
