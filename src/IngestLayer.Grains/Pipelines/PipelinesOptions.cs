using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Grains.Pipelines;

/// <summary>Pipeline runtime settings (section <c>IngestLayer:Pipelines</c>).</summary>
public sealed class PipelinesOptions
{
    public const string Section = "IngestLayer:Pipelines";

    /// <summary>How often each silo reports its pipelines' matched and filtered counts to the workspaces' pipelines grains.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan CountersReportInterval { get; set; } = TimeSpan.FromSeconds(2);
}
