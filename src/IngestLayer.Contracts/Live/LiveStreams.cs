namespace IngestLayer.Contracts.Live;

/// <summary>
/// Names of the live streams: the stream provider, one stream per account (keyed by its grain key) and one per
/// owner of a workspace. The watch keys of <see cref="ILiveWatchersGrain"/> are the stream keys, prefixed by kind.
/// </summary>
public static class LiveStreams
{
    /// <summary>The memory stream provider the feeds travel on.</summary>
    public const string Provider = "live";

    /// <summary>Largest properties object a live event carries (larger ones are marked truncated).</summary>
    public const int MaxPropertiesBytes = 2048;

    /// <summary>
    /// Most events one <see cref="LiveBatch"/> carries; a dispatch round can hand an account thousands. With
    /// <see cref="MaxPropertiesBytes"/> this keeps one batch a few hundred KB, below the memory streams' 1 MB item limit.
    /// </summary>
    public const int MaxEventsPerBatch = 100;

    private const string AccountNamespace = "live-account";
    private const string OwnerNamespace = "live-owner";

    /// <summary>The watch key of an account's feed; <paramref name="accountGrainKey"/> is <see cref="GrainKeys.Account"/>.</summary>
    public static string AccountKey(string accountGrainKey) => AccountNamespace + "/" + accountGrainKey;

    /// <summary>The watch key of an owner's feed (owners are e-mail addresses or names: escaped).</summary>
    public static string OwnerKey(string workspace, string owner) => OwnerNamespace + "/" + workspace + ":" + Uri.EscapeDataString(owner);

    /// <summary>
    /// The stream a watch key names, as the namespace and key of a <c>StreamId</c> (built by the caller: contracts do
    /// not reference the streaming package).
    /// </summary>
    public static (string Namespace, string Key) Stream(string watchKey)
    {
        var slash = watchKey.IndexOf('/', StringComparison.Ordinal);
        return (watchKey[..slash], watchKey[(slash + 1)..]);
    }
}
