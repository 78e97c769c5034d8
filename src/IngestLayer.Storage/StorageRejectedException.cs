namespace IngestLayer.Storage;

/// <summary>
/// The store refused the data itself (for example a NUL character, which PostgreSQL text and jsonb cannot
/// hold). Retrying the same data will fail the same way: this is the caller's input, not an outage.
/// </summary>
public sealed class StorageRejectedException : Exception
{
    public StorageRejectedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
