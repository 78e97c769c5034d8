using System.Text.Json;
using IngestLayer.Contracts;

namespace IngestLayer.Pipelines;

/// <summary>
/// What filters and templates read: one event and, when the pipeline runtime has them, its enriched user and
/// account. The event's properties are scanned lazily, once per event however many filters read them: each
/// top-level key met is remembered, and a scan stops at the key asked for and resumes from there for the next.
/// Not thread-safe; the runtime keeps one per worker and calls <see cref="Reset"/> for each event.
/// </summary>
public sealed class FilterContext
{
    private Entry[] _entries = new Entry[8];
    private int _count;
    private Scan _scan;
    private int _scanOffset;
    private JsonReaderState _scanState;

    public FilterContext(IngestEvent @event, FilterUser? user = null, FilterAccount? account = null)
    {
        Event = @event;
        User = user;
        Account = account;
    }

    public IngestEvent Event { get; private set; }

    public FilterUser? User { get; private set; }

    public FilterAccount? Account { get; private set; }

    /// <summary>Points this context at another event, forgetting what was read from the previous one (no allocation).</summary>
    public void Reset(IngestEvent @event, FilterUser? user = null, FilterAccount? account = null)
    {
        Event = @event;
        User = user;
        Account = account;
        Array.Clear(_entries, 0, _count);
        _count = 0;
        _scan = Scan.NotStarted;
        _scanOffset = 0;
        _scanState = default;
    }

    /// <summary>
    /// Attaches (or, given nulls, removes) the enriched user and account, keeping what was read of the event's
    /// properties: the pipeline runtime enriches mid-pipeline, and each pipeline starts from none.
    /// </summary>
    public void Enrich(FilterUser? user, FilterAccount? account)
    {
        User = user;
        Account = account;
    }

    /// <summary>The top-level property <paramref name="key"/> as text (strings unescaped, other values as JSON), or null when missing.</summary>
    public string? PropertyText(string key) => Property(key, System.Text.Encoding.UTF8.GetBytes(key)).GetText();

    /// <summary>The top-level property <paramref name="key"/> (its UTF-8 bytes in <paramref name="utf8Key"/>).</summary>
    internal JsonValue Property(string key, byte[] utf8Key)
    {
        var source = Event.Properties.Span;
        for (var i = 0; i < _count; i++)
        {
            ref var entry = ref _entries[i];
            if (entry.EscapedKey is { } escaped ? escaped == key : source.Slice(entry.KeyStart, entry.KeyLength).SequenceEqual(utf8Key))
            {
                return entry.Value;
            }
        }

        return _scan == Scan.Done ? JsonValue.Missing : ScanFor(key, utf8Key);
    }

    private JsonValue ScanFor(string key, byte[] utf8Key)
    {
        var source = Event.Properties[_scanOffset..];
        try
        {
            var reader = _scan == Scan.NotStarted ? new Utf8JsonReader(source.Span) : new Utf8JsonReader(source.Span, isFinalBlock: true, _scanState);
            if (_scan == Scan.NotStarted)
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    _scan = Scan.Done;
                    return JsonValue.Missing;
                }

                _scan = Scan.Started;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var keyStart = _scanOffset + (int)reader.TokenStartIndex + 1;
                var keyLength = reader.ValueSpan.Length;
                var escapedKey = reader.ValueIsEscaped ? reader.GetString() : null;
                var match = escapedKey is null ? reader.ValueSpan.SequenceEqual(utf8Key) : escapedKey == key;
                reader.Read();
                var value = JsonValue.At(ref reader, source);
                Remember(new Entry(keyStart, keyLength, escapedKey, value));
                if (match)
                {
                    _scanOffset += (int)reader.BytesConsumed;
                    _scanState = reader.CurrentState;
                    return value;
                }
            }
        }
        catch (JsonException)
        {
            // The gateway stores only objects it parsed; a malformed tail reads as "no more properties".
        }

        _scan = Scan.Done;
        return JsonValue.Missing;
    }

    private void Remember(Entry entry)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[_count++] = entry;
    }

    private enum Scan : byte
    {
        NotStarted,
        Started,
        Done,
    }

    private readonly record struct Entry(int KeyStart, int KeyLength, string? EscapedKey, JsonValue Value);
}
