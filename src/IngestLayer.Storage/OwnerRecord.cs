namespace IngestLayer.Storage;

/// <summary>One account's place in the book of business: who owns it and where its alerts go.</summary>
public sealed record OwnerRecord(string AccountId, string Owner, string? SlackChannel);
