using System.Text.Json;

namespace IngestLayer.Testing;

/// <summary>A <c>chat.update</c> the <see cref="FakeSlack"/> accepted.</summary>
/// <param name="ChannelId">The channel id of the message.</param>
/// <param name="Ts">The ts of the message updated.</param>
/// <param name="Text">The new fallback text, if any.</param>
/// <param name="Blocks">The new <c>blocks</c>, or null when none were sent.</param>
/// <param name="ReceivedAt">When the fake received it (wall clock).</param>
public sealed record FakeSlackUpdate(string ChannelId, string Ts, string? Text, JsonElement? Blocks, DateTimeOffset ReceivedAt);
