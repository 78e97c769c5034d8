namespace IngestLayer.Storage;

/// <summary>
/// The store could not be reached or could not take the write right now (database down, connection lost,
/// failover, out of connections). Nothing the caller sent is known to be stored: answer 503 with
/// <c>Retry-After</c> and let the client retry; a retry of an append is safe because appends dedupe by
/// message id. Callers never need to reference the database driver to recognise it.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
