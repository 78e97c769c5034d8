using System.Text.Json.Serialization;

namespace IngestLayer.Contracts;

/// <summary>
/// Counts over the standard windows, bucket-aligned in UTC: the last 60 minutes (minute buckets),
/// the last 24 hours (hour buckets), the last 7 and 28 days (day buckets), each including the current bucket.
/// </summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.WindowCounts")]
public sealed record WindowCounts(
    [property: Id(0), JsonPropertyName("1h")] long LastHour,
    [property: Id(1), JsonPropertyName("24h")] long Last24Hours,
    [property: Id(2), JsonPropertyName("7d")] long Last7Days,
    [property: Id(3), JsonPropertyName("28d")] long Last28Days);

/// <summary>Distinct active users over the last 1, 7 and 28 days (UTC days, including today).</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.ActiveUserCounts")]
public sealed record ActiveUserCounts(
    [property: Id(0), JsonPropertyName("1d")] int LastDay,
    [property: Id(1), JsonPropertyName("7d")] int Last7Days,
    [property: Id(2), JsonPropertyName("28d")] int Last28Days);
