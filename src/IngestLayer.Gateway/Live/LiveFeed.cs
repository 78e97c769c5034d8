namespace IngestLayer.Gateway.Live;

/// <summary>What a feed shows: its stream's watch key, and how the <c>ready</c> line describes it.</summary>
/// <param name="Kind"><c>account</c> or <c>owner</c>.</param>
/// <param name="Workspace">The workspace of the account or owner.</param>
/// <param name="Id">The account id or the owner, as the request named it.</param>
/// <param name="WatchKey"><see cref="Contracts.Live.LiveStreams.AccountKey"/> or <see cref="Contracts.Live.LiveStreams.OwnerKey"/>.</param>
internal sealed record LiveFeed(string Kind, string Workspace, string Id, string WatchKey);
