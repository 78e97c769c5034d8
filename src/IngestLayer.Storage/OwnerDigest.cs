namespace IngestLayer.Storage;

/// <summary>
/// Names one owner's digest of one local day. The outbox keeps at most one digest per key (a unique key in
/// PostgreSQL), which is what stops two hosts, or a restarted one, from sending a day's digest twice.
/// </summary>
public sealed record OwnerDigestKey(string Workspace, string Owner, DateOnly LocalDate);

/// <summary>A digest claimed for an attempt, with the held alerts it summarises (oldest first).</summary>
/// <param name="Key">Whose digest, for which local day.</param>
/// <param name="DueAt">The owner's digest time on that day; it covers the alerts held before it.</param>
/// <param name="Attempts">Attempts made before this one.</param>
/// <param name="Alerts">The alerts bound to the digest when it was opened.</param>
public sealed record OwnerDigest(OwnerDigestKey Key, DateTimeOffset DueAt, int Attempts, IReadOnlyList<OutboxEntry> Alerts);
