using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Grains.Signals;

/// <summary>The first signals' settings (<c>IngestLayer:Signals</c>).</summary>
public sealed class SignalOptions
{
    public const string Section = "IngestLayer:Signals";

    /// <summary>Feature keys that are paid; using one on a free plan is an expansion signal.</summary>
    public List<string> PaidFeatures { get; set; } = [];

    /// <summary>Plans that count as free. Empty after binding means the default, <c>["free"]</c>.</summary>
    public List<string> FreePlans { get; set; } = [];

    /// <summary>After a signal fires for an account, the same signal stays quiet for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a paid-feature use keeps the expansion signal raised, in whole hours (it re-arms after a quiet window).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "2.00:00:00")]
    public TimeSpan PaidFeatureWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Applies defaults that configuration binding cannot (binding appends to list defaults).</summary>
    public void ApplyDefaults()
    {
        if (FreePlans.Count == 0)
        {
            FreePlans.Add("free");
        }
    }

    public bool IsFreePlan(string? plan) => plan is not null && FreePlans.Contains(plan, StringComparer.OrdinalIgnoreCase);

    public bool IsPaidFeature(string? feature) => feature is not null && PaidFeatures.Contains(feature, StringComparer.OrdinalIgnoreCase);
}
