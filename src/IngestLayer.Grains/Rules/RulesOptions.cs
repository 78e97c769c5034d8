using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Grains.Rules;

/// <summary>How rules reach the account grains and how often time-based rules are looked at (<c>IngestLayer:Rules</c>).</summary>
public sealed class RulesOptions
{
    public const string Section = "IngestLayer:Rules";

    /// <summary>
    /// How long a silo uses its copy of a workspace's rules before asking the workspace's rules grain again. A
    /// change made through this host is seen at once; other hosts see it within this interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often an account grain evaluates its time-based rules (inactivity, drops, "below" thresholds): a timer
    /// while it is active in embedded mode, a reminder (which activates it) in durable mode. At least a minute,
    /// the shortest reminder period Orleans allows by default.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ScheduleInterval { get; set; } = TimeSpan.FromHours(1);
}
