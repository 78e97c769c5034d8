namespace IngestLayer.Storage;

/// <summary>
/// An ingestion source created through the ops API. Its write key is never stored: only the SHA-256 digest
/// (lowercase hex) and the first characters, which identify the key to an operator without revealing it.
/// </summary>
/// <param name="Workspace">The workspace the source's events belong to.</param>
/// <param name="Name">Unique among the workspace's sources that are not revoked.</param>
/// <param name="KeyDigest">SHA-256 of the current write key, lowercase hex.</param>
/// <param name="KeyPrefix">The current key's first characters, e.g. <c>wk_Ab12x</c>.</param>
/// <param name="CreatedAt">When the source was created.</param>
/// <param name="RotatedAt">When the key was last rotated, if ever.</param>
/// <param name="PreviousKeyDigest">The key before the last rotation, still accepted until <paramref name="PreviousKeyValidUntil"/>.</param>
/// <param name="PreviousKeyValidUntil">End of the previous key's grace period.</param>
/// <param name="RevokedAt">When the source was revoked; a revoked source's keys are refused.</param>
public sealed record SourceRecord(
    string Workspace,
    string Name,
    string KeyDigest,
    string KeyPrefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RotatedAt = null,
    string? PreviousKeyDigest = null,
    DateTimeOffset? PreviousKeyValidUntil = null,
    DateTimeOffset? RevokedAt = null);
