using System.Text.Json.Serialization;

namespace IngestLayer.Storage;

/// <summary>How an owner wants their alerts: each as it fires, or once a day in one digest message.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OwnerDeliveryMode>))]
public enum OwnerDeliveryMode
{
    [JsonStringEnumMemberName("live")] Live,
    /// <summary>Alerts are held (<see cref="AlertDeliveryStatus.HeldForDigest"/>) and summarised once a day.</summary>
    [JsonStringEnumMemberName("daily_digest")] DailyDigest,
}

/// <summary>
/// One owner's delivery preferences in a workspace. <see cref="DigestTime"/> is a wall-clock time in
/// <see cref="TimeZone"/> (an IANA id), so the digest follows the owner's daylight-saving changes.
/// </summary>
/// <param name="Owner">The owner as alerts name it (<c>Alert.Owner</c>), e.g. an email address.</param>
/// <param name="Mode">Live (the default) or daily digest.</param>
/// <param name="DigestTime">Local time of the daily digest.</param>
/// <param name="TimeZone">IANA time zone id of <paramref name="DigestTime"/>.</param>
/// <param name="Channel">Where the digest goes; null: the channel of the owner's alerts, else Slack:DefaultChannel.</param>
/// <param name="UpdatedAt">When these were last stored; null for the defaults of an owner who never set any.</param>
public sealed record OwnerPreferences(
    string Owner,
    OwnerDeliveryMode Mode,
    TimeOnly DigestTime,
    string TimeZone,
    string? Channel,
    DateTimeOffset? UpdatedAt = null)
{
    public static readonly TimeOnly DefaultDigestTime = new(9, 0);
    public const string DefaultTimeZone = "UTC";

    /// <summary>What an owner who never stored preferences gets: live alerts.</summary>
    public static OwnerPreferences Default(string owner) => new(owner, OwnerDeliveryMode.Live, DefaultDigestTime, DefaultTimeZone, null);

    /// <summary>The zone of an IANA id (or <c>UTC</c>), or null when this machine's time zone database does not know it.</summary>
    public static TimeZoneInfo? FindTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }
}

/// <summary>An owner and the workspace they are an owner in (owners are named per workspace).</summary>
public sealed record WorkspaceOwner(string Workspace, string Owner);
