using IngestLayer.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Grains.Pipelines;

/// <summary>Sends this silo's pipeline counts to each workspace's pipelines grain every <see cref="PipelinesOptions.CountersReportInterval"/>.</summary>
public sealed partial class PipelineCountersReporter(
    PipelineCounters counters,
    IGrainFactory grains,
    IOptions<PipelinesOptions> options,
    ILogger<PipelineCountersReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CountersReportInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var (workspace, deltas) in counters.Drain())
            {
                try
                {
                    await grains.GetGrain<IWorkspacePipelinesGrain>(workspace).ReportAsync(deltas);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Counts are an operator's gauge, not a record: a report that fails is dropped, never retried forever.
                    LogReportFailed(logger, e, workspace);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report pipeline counts of workspace {Workspace}")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string workspace);
}
