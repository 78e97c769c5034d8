using System.Text.Json;

namespace IngestLayer.Testing;

/// <summary>A message the <see cref="FakeSlack"/> accepted, as it was posted.</summary>
/// <param name="Channel">The channel as the client named it.</param>
/// <param name="ChannelId">The id the fake resolved it to, as Slack answers.</param>
/// <param name="Text">The <c>text</c> argument (the fallback text), if any.</param>
/// <param name="Blocks">The <c>blocks</c> array, or null when none was sent.</param>
/// <param name="ThreadTs">The <c>thread_ts</c> argument, for replies.</param>
/// <param name="Ts">The message timestamp the fake answered with.</param>
/// <param name="ReceivedAt">When the fake received it (wall clock).</param>
public sealed record FakeSlackMessage(
    string Channel,
    string ChannelId,
    string? Text,
    JsonElement? Blocks,
    string? ThreadTs,
    string Ts,
    DateTimeOffset ReceivedAt);
