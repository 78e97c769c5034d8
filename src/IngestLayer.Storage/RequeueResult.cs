namespace IngestLayer.Storage;

/// <summary>What <see cref="IAlertOutbox.RequeueAsync"/> did.</summary>
public enum RequeueResult
{
    /// <summary>The failed alert is pending again, due now, with a fresh attempt budget.</summary>
    Requeued,
    /// <summary>No alert has that id.</summary>
    Unknown,
    /// <summary>The alert exists but has not failed (it is pending, retrying, sent or in the dev inbox).</summary>
    NotFailed,
}
