using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Security;

namespace IngestLayer.Gateway.Parsing;

/// <summary>
/// The fast path for the common native request, <c>{"events": [...]}</c> with every event valid: one forward pass
/// of a <see cref="Utf8JsonReader"/> over the body, straight into <see cref="IngestEvent"/>s, with no
/// <see cref="JsonDocument"/> in between and the events' properties copied into one array per request rather than
/// one each. Building the document and then looking each field up in it was about a quarter of the gateway's CPU.
/// <para>
/// It only ever accepts what <see cref="NativeEventParser"/> accepts, to the same events: anything it is not sure
/// of (an invalid or oversize event, an escaped field name, a timestamp only the general parser reads, a single
/// event, an empty batch, a repeated <c>events</c>) makes it answer null, and the request takes the general path,
/// which names each problem as before. Bad input is rare, so it costs a second parse only when it is there.
/// </para>
/// </summary>
internal static class NativeBatchReader
{
    /// <summary>The batch, or null when the general path must decide (see the class remarks).</summary>
    public static ParsedBatch? TryRead(ReadOnlyMemory<byte> body, Source source, DateTimeOffset receivedAt, int maxEventBytes, int maxDepth)
    {
        var pending = ArrayPool<Fields>.Shared.Rent(Math.Max(16, body.Length / 128));
        var count = 0;
        try
        {
            var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = maxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var sawEvents = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("events"u8))
                {
                    reader.Read();
                    reader.Skip(); // the native parser ignores other top-level fields
                    continue;
                }

                // A second "events" is a question of which one counts: the general path answers it.
                if (sawEvents || !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                {
                    return null;
                }

                sawEvents = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (count == pending.Length)
                    {
                        var bigger = ArrayPool<Fields>.Shared.Rent(pending.Length * 2);
                        pending.AsSpan(0, count).CopyTo(bigger);
                        ArrayPool<Fields>.Shared.Return(pending, clearArray: true);
                        pending = bigger;
                    }

                    if (!TryReadEvent(ref reader, maxEventBytes, out pending[count]))
                    {
                        return null;
                    }

                    count++;
                }
            }

            // The root's end, then nothing but whitespace.
            if (!sawEvents || count == 0 || reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return null;
            }

            return Build(body.Span, pending.AsSpan(0, count), source, receivedAt);
        }
        catch (JsonException)
        {
            return null; // malformed or too deep: the general path says which
        }
        catch (InvalidOperationException)
        {
            return null; // a value read as the wrong type
        }
        finally
        {
            // Only what was written (the event being read when it stopped included): every array goes back cleared this
            // way, so the rest is clear already. Clearing the whole rented array was 0.5% of the gateway's CPU samples.
            pending.AsSpan(0, Math.Min(count + 1, pending.Length)).Clear();
            ArrayPool<Fields>.Shared.Return(pending);
        }
    }

    /// <summary>One event's fields as read, before its properties have a home.</summary>
    private struct Fields
    {
        public string? Name;
        public string? UserId;
        public string? AnonymousId;
        public string? AccountId;
        public int AccountIdStart; // with AccountIdLength > 0: an account id left in the body, pooled in Build
        public int AccountIdLength;
        public string? MessageId;
        public DateTimeOffset? Timestamp;
        public string? Feature;
        public int Count;
        public string? Plan;
        public int PropertiesStart;
        public int PropertiesLength; // 0: no properties object (stored as {})
    }

    private static bool TryReadEvent(ref Utf8JsonReader reader, int maxEventBytes, out Fields f)
    {
        f = default;
        f.Count = 1;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var start = reader.TokenStartIndex;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return false;
            }

            var field = reader.ValueSpan;
            reader.Read();
            var ok = field.Length switch
            {
                5 when field.SequenceEqual("event"u8) => TryString(ref reader, JsonFields.MaxNameLength, pooled: true, out f.Name),
                7 when field.SequenceEqual("user_id"u8) => TryId(ref reader, pooled: false, out f.UserId), // see JsonFields.Strings
                10 when field.SequenceEqual("account_id"u8) => TryAccountId(ref reader, ref f),
                10 when field.SequenceEqual("properties"u8) => TryProperties(ref reader, ref f),
                10 when field.SequenceEqual("message_id"u8) => TryString(ref reader, JsonFields.MaxIdLength, pooled: false, out f.MessageId),
                9 when field.SequenceEqual("timestamp"u8) => TryTimestamp(ref reader, out f.Timestamp),
                12 when field.SequenceEqual("anonymous_id"u8) => TryId(ref reader, pooled: false, out f.AnonymousId),
                _ => reader.TrySkip(),
            };
            if (!ok)
            {
                return false;
            }
        }

        return reader.BytesConsumed - start <= maxEventBytes
            && f.Name is not null
            && (f.UserId is not null || f.AnonymousId is not null)
            && (f.Feature is not null || f.Name != EventRules.FeatureUsed);
    }

    // The rules of JsonFields.ReadString, read off the reader: null is absent; a string must be non-blank and short enough.
    private static bool TryString(ref Utf8JsonReader reader, int maxLength, bool pooled, out string? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        value = pooled && !reader.ValueIsEscaped ? JsonFields.Pooled(reader.ValueSpan) : reader.GetString()!;
        return !string.IsNullOrWhiteSpace(value) && value.Length <= maxLength;
    }

    // JsonFields.ReadId: a string as above, or an integer written out.
    private static bool TryId(ref Utf8JsonReader reader, bool pooled, out string? value)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            value = reader.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : null;
            return value is not null;
        }

        return TryString(ref reader, JsonFields.MaxIdLength, pooled, out value);
    }

    // An unescaped ASCII id is left where it is in the body and pooled in Build, with the rest of the batch's; anything
    // else is read as JsonFields.ReadId reads it.
    private static bool TryAccountId(ref Utf8JsonReader reader, ref Fields f)
    {
        (f.AccountIdStart, f.AccountIdLength) = (0, 0); // a repeated "account_id": the last one counts
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan is var raw
            && raw.Length <= JsonFields.MaxIdLength && Ascii.IsValid(raw) && raw.IndexOfAnyExcept(AsciiWhiteSpace) >= 0)
        {
            (f.AccountId, f.AccountIdStart, f.AccountIdLength) = (null, (int)reader.TokenStartIndex + 1, raw.Length); // after the quote
            return true;
        }

        return TryId(ref reader, pooled: true, out f.AccountId);
    }

    // What string.IsNullOrWhiteSpace takes for white space, in ASCII.
    private static ReadOnlySpan<byte> AsciiWhiteSpace => " \t\n\v\f\r"u8;

    // Only the ISO 8601 reader: a layout that needs the general parser goes the general path.
    private static bool TryTimestamp(ref Utf8JsonReader reader, out DateTimeOffset? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var at) || at.Year is < 2000 or > 9000)
        {
            return false;
        }

        value = at.ToUniversalTime();
        return true;
    }

    // EventRules.Usage over the reader: feature, plan and count at the top level of the properties; the rest skipped.
    private static bool TryProperties(ref Utf8JsonReader reader, ref Fields f)
    {
        // A repeated "properties": the last one counts, as with the general parser.
        (f.Feature, f.Count, f.Plan, f.PropertiesStart, f.PropertiesLength) = (null, 1, null, 0, 0);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var start = (int)reader.TokenStartIndex;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return false;
            }

            var field = reader.ValueSpan;
            reader.Read();
            var ok = field.Length switch
            {
                7 when field.SequenceEqual("feature"u8) => TryString(ref reader, JsonFields.MaxNameLength, pooled: true, out f.Feature),
                4 when field.SequenceEqual("plan"u8) => TryString(ref reader, JsonFields.MaxNameLength, pooled: true, out f.Plan),
                5 when field.SequenceEqual("count"u8) => TryCount(ref reader, ref f.Count),
                _ => reader.TrySkip(),
            };
            if (!ok)
            {
                return false;
            }
        }

        f.PropertiesStart = start;
        f.PropertiesLength = (int)reader.BytesConsumed - start;
        return true;
    }

    private static bool TryCount(ref Utf8JsonReader reader, ref int count)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var n) || n is < 1 or > EventRules.MaxCount)
        {
            return false;
        }

        count = n;
        return true;
    }

    [ThreadStatic] private static int t_touched; // keeps the JIT from dropping the reads ahead in Build

    private static ParsedBatch Build(ReadOnlySpan<byte> body, ReadOnlySpan<Fields> events, Source source, DateTimeOffset receivedAt)
    {
        // One home for every event's properties: slices of it outlive the request's pooled body.
        var total = 0;
        foreach (ref readonly var f in events)
        {
            total += f.PropertiesLength;
        }

        // The batch's account ids are pooled here, all at once: their slots in the pool (a thousand accounts' worth, out
        // of cache) are read ahead first, so the misses overlap. Pooled as each event was read, each lookup waited for two
        // misses, 3.3% of the gateway's CPU samples. (Not pooling them cost more: the router and grains then compare
        // account ids char by char where the pooled ones are the same string.)
        var accountHashes = events.Length <= 512 ? stackalloc ulong[events.Length] : new ulong[events.Length];
        var touched = 0;
        for (var i = 0; i < events.Length; i++)
        {
            if (events[i].AccountIdLength > 0)
            {
                accountHashes[i] = JsonFields.PrefetchPooled(body.Slice(events[i].AccountIdStart, events[i].AccountIdLength), ref touched);
            }
        }

        t_touched = touched;
        var properties = new byte[total];
        var at = 0;
        var batch = new ParsedBatch(events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            ref readonly var f = ref events[i];
            var raw = JsonFields.EmptyObject;
            if (f.PropertiesLength > 0)
            {
                body.Slice(f.PropertiesStart, f.PropertiesLength).CopyTo(properties.AsSpan(at));
                raw = properties.AsMemory(at, f.PropertiesLength);
                at += f.PropertiesLength;
            }

            batch.Events.Add(new IngestEvent
            {
                Workspace = source.Workspace,
                Source = source.Name,
                MessageId = f.MessageId ?? EventRules.NewMessageId(),
                Kind = EventKind.Track,
                Name = f.Name!,
                UserId = f.UserId,
                AnonymousId = f.AnonymousId,
                AccountId = f.AccountIdLength > 0 ? JsonFields.Pooled(body.Slice(f.AccountIdStart, f.AccountIdLength), accountHashes[i]) : f.AccountId,
                Timestamp = f.Timestamp ?? receivedAt,
                ReceivedAt = receivedAt,
                Feature = f.Feature,
                Count = f.Count,
                Plan = f.Plan,
                Properties = raw,
            });
        }

        return batch;
    }
}
