using System.Text;
using System.Text.Json;
using IngestLayer.Contracts;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// The appends of one group commit as the columns of one <c>INSERT ... SELECT FROM unnest(...)</c>, and
/// the way back from the rows the database stored to each caller's events.
/// A (workspace, source, message id) that occurs more than once in the group becomes one row, owned by its
/// first occurrence in queue order; later occurrences (in the same call or another) are duplicates and are
/// returned to nobody, exactly as if they had arrived after the first was committed.
/// </summary>
internal sealed class AppendGroup
{
    private readonly IReadOnlyList<PendingAppend> _callers;
    // Per caller and event: the row it owns, or -1 when it repeats an earlier event of the group.
    private readonly int[][] _rowOf;
    private readonly Dictionary<(string Workspace, string Source, string MessageId), int> _rowByKey;
    private readonly long[] _positions;

    public AppendGroup(IReadOnlyList<PendingAppend> callers)
    {
        _callers = callers;
        _rowOf = new int[callers.Count][];
        var total = callers.Sum(c => c.Events.Count);
        _rowByKey = new(total);
        var owners = new List<IngestEvent>(total);
        for (var c = 0; c < callers.Count; c++)
        {
            var events = callers[c].Events;
            var rows = _rowOf[c] = new int[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                if (_rowByKey.TryAdd((e.Workspace, e.Source, e.MessageId), owners.Count))
                {
                    rows[i] = owners.Count;
                    owners.Add(e);
                }
                else
                {
                    rows[i] = -1;
                }
            }
        }

        RowCount = owners.Count;
        _positions = new long[RowCount];
        Workspace = new string[RowCount];
        Source = new string[RowCount];
        MessageId = new string[RowCount];
        Kind = new string[RowCount];
        Event = new string[RowCount];
        UserId = new string?[RowCount];
        AnonymousId = new string?[RowCount];
        AccountId = new string?[RowCount];
        PreviousId = new string?[RowCount];
        EventTime = new DateTime[RowCount];
        ReceivedAt = new DateTime[RowCount];
        Feature = new string?[RowCount];
        Count = new int[RowCount];
        Plan = new string?[RowCount];
        Properties = new string[RowCount];
        Traits = new string?[RowCount];
        for (var r = 0; r < RowCount; r++)
        {
            var e = owners[r];
            Workspace[r] = e.Workspace;
            Source[r] = e.Source;
            MessageId[r] = e.MessageId;
            Kind[r] = EventKinds.ToText(e.Kind);
            Event[r] = e.Name;
            UserId[r] = e.UserId;
            AnonymousId[r] = e.AnonymousId;
            AccountId[r] = e.AccountId;
            PreviousId[r] = e.PreviousId;
            EventTime[r] = e.Timestamp.UtcDateTime;
            ReceivedAt[r] = e.ReceivedAt.UtcDateTime;
            Feature[r] = e.Feature;
            Count[r] = e.Count;
            Plan[r] = e.Plan;
            Properties[r] = e.Properties.IsEmpty ? "{}" : Encoding.UTF8.GetString(e.Properties.Span);
            Traits[r] = e.Traits is null ? null : JsonSerializer.Serialize(e.Traits);
        }
    }

    public IReadOnlyList<PendingAppend> Callers => _callers;

    /// <summary>Distinct events in the group: the rows sent.</summary>
    public int RowCount { get; }

    public string[] Workspace { get; }
    public string[] Source { get; }
    public string[] MessageId { get; }
    public string[] Kind { get; }
    public string[] Event { get; }
    public string?[] UserId { get; }
    public string?[] AnonymousId { get; }
    public string?[] AccountId { get; }
    public string?[] PreviousId { get; }
    public DateTime[] EventTime { get; }
    public DateTime[] ReceivedAt { get; }
    public string?[] Feature { get; }
    public int[] Count { get; }
    public string?[] Plan { get; }
    public string[] Properties { get; }
    public string?[] Traits { get; }

    /// <summary>Records that the database stored the row with this key at <paramref name="position"/>.</summary>
    public void Stored(string workspace, string source, string messageId, long position)
    {
        if (!_rowByKey.TryGetValue((workspace, source, messageId), out var row))
        {
            throw new InvalidOperationException("The database returned a row that the group did not send.");
        }

        _positions[row] = position;
    }

    /// <summary>
    /// Completes every caller with its newly stored events, in its own order, positions set; first hands
    /// all of them, in position order, to <paramref name="observer"/>. Returns the highest position stored (0 if none).
    /// </summary>
    public long Complete(IEventLogObserver? observer)
    {
        var all = new List<IngestEvent>[_callers.Count];
        for (var c = 0; c < _callers.Count; c++)
        {
            var events = _callers[c].Events;
            var rows = _rowOf[c];
            var stored = new List<IngestEvent>(events.Count);
            for (var i = 0; i < events.Count; i++)
            {
                if (rows[i] >= 0 && _positions[rows[i]] is var position and > 0)
                {
                    stored.Add(events[i] with { Position = position });
                }
            }

            all[c] = stored;
        }

        if (observer is not null)
        {
            var ordered = all.SelectMany(s => s).OrderBy(e => e.Position).ToList();
            if (ordered.Count > 0)
            {
                observer.OnStored(ordered);
            }
        }

        for (var c = 0; c < _callers.Count; c++)
        {
            _callers[c].Complete(all[c]);
        }

        return _positions.Length == 0 ? 0 : _positions.Max();
    }
}
