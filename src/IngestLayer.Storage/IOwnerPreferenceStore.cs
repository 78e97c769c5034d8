namespace IngestLayer.Storage;

/// <summary>
/// Owners' delivery preferences, part of the config store: per workspace and owner, the latest write wins.
/// Read by the ops API and, per claimed alert, by the delivery worker.
/// </summary>
public interface IOwnerPreferenceStore
{
    /// <summary>The owner's stored preferences, or null when they never set any (they get <see cref="OwnerPreferences.Default"/>).</summary>
    ValueTask<OwnerPreferences?> GetAsync(string workspace, string owner, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="preferences"/> (replacing any earlier ones) stamped <paramref name="now"/> and returns them as stored.</summary>
    ValueTask<OwnerPreferences> SaveAsync(string workspace, OwnerPreferences preferences, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every owner of the workspace with stored preferences, ordered by owner.</summary>
    ValueTask<IReadOnlyList<OwnerPreferences>> ListAsync(string workspace, CancellationToken cancellationToken);
}
