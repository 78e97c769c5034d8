using IngestLayer.Contracts;

namespace IngestLayer.Storage.Postgres;

/// <summary>The <c>event_log.kind</c> text of each <see cref="EventKind"/> (the table's CHECK lists the same words).</summary>
internal static class EventKinds
{
    private static readonly string[] Names = ["track", "identify", "group", "page", "screen", "alias"];

    public static string ToText(EventKind kind) => Names[(int)kind];

    public static EventKind Parse(string text) => (EventKind)Array.IndexOf(Names, text) is var kind && kind >= 0
        ? kind
        : throw new InvalidOperationException($"event_log.kind '{text}' is not a known event kind.");
}
