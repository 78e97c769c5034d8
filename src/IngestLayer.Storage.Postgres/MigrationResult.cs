namespace IngestLayer.Storage.Postgres;

/// <summary>What one migration run did.</summary>
/// <param name="Applied">Files applied by this run, in order.</param>
/// <param name="AlreadyApplied">Files found already applied (by an earlier run or another host).</param>
/// <param name="Unknown">Versions recorded in the database that this binary does not carry (a newer host migrated it).</param>
public sealed record MigrationResult(
    IReadOnlyList<MigrationScript> Applied,
    IReadOnlyList<MigrationScript> AlreadyApplied,
    IReadOnlyList<int> Unknown);
