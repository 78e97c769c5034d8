using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using IngestLayer.Storage;

namespace IngestLayer.Gateway.Owners;

/// <summary>An owner's delivery preferences as the ops API reads and writes them.</summary>
/// <param name="Owner">The owner, as the book of business names them.</param>
/// <param name="Mode"><c>live</c> or <c>daily_digest</c>.</param>
/// <param name="DigestTime">Local <c>HH:mm</c>.</param>
/// <param name="TimeZone">IANA time zone id.</param>
/// <param name="Channel">Digest channel override, or null.</param>
/// <param name="UpdatedAt">When stored; null while the owner has the defaults.</param>
public sealed record OwnerPreferencesDocument(string Owner, string Mode, string DigestTime, string TimeZone, string? Channel, DateTimeOffset? UpdatedAt)
{
    public static OwnerPreferencesDocument From(OwnerPreferences p) => new(
        p.Owner,
        p.Mode == OwnerDeliveryMode.DailyDigest ? "daily_digest" : "live",
        p.DigestTime.ToString("HH:mm", CultureInfo.InvariantCulture),
        p.TimeZone,
        p.Channel,
        p.UpdatedAt);
}

/// <summary>One bad field of a preferences document.</summary>
public sealed record PreferenceFieldError(string Field, string Error);

/// <summary>
/// Reads a <c>PUT /ops/owners/{owner}/preferences</c> body. The document is replaced whole: fields left out take
/// their defaults (<c>live</c>, <c>09:00</c>, <c>UTC</c>, no channel); unknown fields are refused so a typo never
/// passes silently. <c>owner</c> and <c>updated_at</c> are accepted so a document read can be sent back.
/// </summary>
public static partial class OwnerPreferencesValidator
{
    public const int MaxOwnerLength = 256;

    private static readonly string[] Fields = ["owner", "mode", "digest_time", "time_zone", "channel", "updated_at"];

    public static (OwnerPreferences? Preferences, IReadOnlyList<PreferenceFieldError> Errors) Read(string owner, JsonElement body)
    {
        var errors = new List<PreferenceFieldError>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("", "The body must be a JSON object: {\"mode\": \"daily_digest\", \"digest_time\": \"09:00\", \"time_zone\": \"Europe/Berlin\"}."));
            return (null, errors);
        }

        foreach (var property in body.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add(new(property.Name, $"is not a preference; known fields: {string.Join(", ", Fields)}."));
            }
        }

        if (Present(body, "owner") is { } given && (given.ValueKind != JsonValueKind.String || given.GetString() != owner))
        {
            errors.Add(new("owner", $"must be the owner of the path ('{owner}') or left out."));
        }

        var mode = OwnerDeliveryMode.Live;
        if (Present(body, "mode") is { } m)
        {
            switch (m.ValueKind == JsonValueKind.String ? m.GetString() : null)
            {
                case "live":
                    break;
                case "daily_digest":
                    mode = OwnerDeliveryMode.DailyDigest;
                    break;
                default:
                    errors.Add(new("mode", "must be \"live\" or \"daily_digest\"."));
                    break;
            }
        }

        var digestTime = OwnerPreferences.DefaultDigestTime;
        if (Present(body, "digest_time") is { } t)
        {
            if (t.ValueKind != JsonValueKind.String || !TimePattern().IsMatch(t.GetString()!)
                || !TimeOnly.TryParseExact(t.GetString(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out digestTime))
            {
                errors.Add(new("digest_time", "must be a local time \"HH:mm\" from 00:00 to 23:59, e.g. \"09:00\"."));
            }
        }

        var timeZone = OwnerPreferences.DefaultTimeZone;
        if (Present(body, "time_zone") is { } z)
        {
            var id = z.ValueKind == JsonValueKind.String ? z.GetString()! : null;
            if (id is null || !ZonePattern().IsMatch(id) || OwnerPreferences.FindTimeZone(id) is null)
            {
                errors.Add(new("time_zone", "must be an IANA time zone id known to this host, e.g. \"Europe/Berlin\", \"America/New_York\" or \"UTC\"."));
            }
            else
            {
                timeZone = id;
            }
        }

        string? channel = null;
        if (Present(body, "channel") is { } c)
        {
            channel = c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (channel is null || !(ChannelName().IsMatch(channel) || ChannelId().IsMatch(channel)))
            {
                errors.Add(new("channel", "must be a Slack channel ('#name', at most 80 characters, or a channel id such as C0123456789), or null for the channel of the owner's alerts."));
            }
        }

        return errors.Count > 0 ? (null, errors) : (new OwnerPreferences(owner, mode, digestTime, timeZone, channel), errors);
    }

    /// <summary>Whether an owner named in a path can be stored (the book of business allows 1–256 characters).</summary>
    public static bool IsValidOwner(string owner) => owner.Length is > 0 and <= MaxOwnerLength && !owner.Any(char.IsControl);

    // Null when absent or JSON null: both mean "the default".
    private static JsonElement? Present(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    [GeneratedRegex("^[0-2][0-9]:[0-5][0-9]$")]
    private static partial Regex TimePattern();

    // Path-like ids only (Area/City, Etc/GMT+5, UTC): never a relative path into the zone database.
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$")]
    private static partial Regex ZonePattern();

    [GeneratedRegex("^#[^\\s#]{1,79}$")]
    private static partial Regex ChannelName();

    [GeneratedRegex("^[CGD][A-Z0-9]{8,20}$")]
    private static partial Regex ChannelId();
}
