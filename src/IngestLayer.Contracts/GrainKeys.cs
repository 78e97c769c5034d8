namespace IngestLayer.Contracts;

/// <summary>
/// Builds and parses grain keys. Keys carry the workspace so two workspaces never share state, a
/// non-hex prefix (AdoNet storage otherwise reads a hex-looking key as an integer, dotnet/orleans#9706),
/// and an escaped id so characters such as <c>+</c> or <c>:</c> in customer ids stay harmless.
/// </summary>
public static class GrainKeys
{
    private const string AccountPrefix = "acct:";
    private const string UserPrefix = "user:";
    private const string RulesPrefix = "rules:";
    private const string RebuildJobPrefix = "rebuild:";

    public static string Account(string workspace, string accountId) => AccountPrefix + workspace + ":" + Uri.EscapeDataString(accountId);

    public static string User(string workspace, string userKey) => UserPrefix + workspace + ":" + Uri.EscapeDataString(userKey);

    /// <summary>The workspace's rules grain (<see cref="IWorkspaceRulesGrain"/>); the workspace name is already key-safe.</summary>
    public static string Rules(string workspace) => RulesPrefix + workspace;

    /// <summary>A bulk rebuild job's grain (<see cref="IRebuildJobGrain"/>); job ids are made by the host, already key-safe.</summary>
    public static string RebuildJob(string jobId) => RebuildJobPrefix + jobId;

    /// <summary>The job id of a key made by <see cref="RebuildJob"/>.</summary>
    public static string RebuildJobId(string grainKey) => grainKey[RebuildJobPrefix.Length..];

    /// <summary>The workspace of a key made by <see cref="Rules"/>.</summary>
    public static string RulesWorkspace(string grainKey) => grainKey[RulesPrefix.Length..];

    /// <summary>Splits a key made by <see cref="Account"/> or <see cref="User"/> into workspace and id.</summary>
    public static (string Workspace, string Id) Parse(string grainKey)
    {
        var first = grainKey.IndexOf(':', StringComparison.Ordinal);
        var second = first < 0 ? -1 : grainKey.IndexOf(':', first + 1);
        if (second < 0)
        {
            throw new ArgumentException($"Not an IngestLayer grain key: '{grainKey}'.", nameof(grainKey));
        }

        return (grainKey[(first + 1)..second], Uri.UnescapeDataString(grainKey[(second + 1)..]));
    }
}
