using IngestLayer.Contracts.Webhooks;

namespace IngestLayer.Storage;

/// <summary>A live webhook source and the workspace it belongs to.</summary>
public sealed record WebhookSourceEntry(string Workspace, WebhookSourceDefinition Source);

/// <summary>
/// The webhook sources part of the config store. Besides the per-workspace documents, a lookup by id alone: the
/// ingress URL <c>/v1/webhooks/{id}</c> names no workspace, so ids are unique across workspaces (made by the server).
/// </summary>
public interface IWebhookSourceStore : IDocumentStore<WebhookSourceDefinition>
{
    /// <summary>The live source of that id in any workspace, or null (never stored, or deleted).</summary>
    ValueTask<WebhookSourceEntry?> FindAsync(string id, CancellationToken cancellationToken);
}

/// <summary>The embedded mode's webhook source store.</summary>
public sealed class MemoryWebhookSourceStore : MemoryDocumentStore<WebhookSourceDefinition>, IWebhookSourceStore
{
    public ValueTask<WebhookSourceEntry?> FindAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(FindLive(id) is { } found ? new WebhookSourceEntry(found.Workspace, found.Document) : null);
}
