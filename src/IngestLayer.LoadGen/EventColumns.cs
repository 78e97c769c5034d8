using System.Buffers;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace IngestLayer.LoadGen;

/// <summary>
/// One batch of generated events as the 16 column arrays of the event log's insert statement, holding
/// what the gateway would store for the same JSON: workspace <c>default</c>, source <c>loadgen</c>, kind
/// <c>track</c>, the usage fields, and the properties object as sent. Reused batch after batch by one worker.
/// </summary>
internal sealed class EventColumns
{
    private readonly EventGenerator _generator;
    private readonly ArrayBufferWriter<byte> _json = new(256);
    private readonly string[] _workspace, _source, _messageId, _kind, _event, _properties;
    private readonly string?[] _userId, _anonymousId, _accountId, _previousId, _feature, _plan, _traits;
    private readonly DateTime[] _eventTime, _receivedAt;
    private readonly int[] _count;

    public EventColumns(EventGenerator generator, int batchSize)
    {
        _generator = generator;
        _workspace = Filled(batchSize, "default");
        _source = Filled(batchSize, "loadgen");
        _kind = Filled(batchSize, "track");
        _anonymousId = new string?[batchSize];
        _previousId = new string?[batchSize];
        _traits = new string?[batchSize];
        _count = Enumerable.Repeat(LoadEvent.Count, batchSize).ToArray();
        _messageId = new string[batchSize];
        _event = new string[batchSize];
        _properties = new string[batchSize];
        _userId = new string?[batchSize];
        _accountId = new string?[batchSize];
        _feature = new string?[batchSize];
        _plan = new string?[batchSize];
        _eventTime = new DateTime[batchSize];
        _receivedAt = new DateTime[batchSize];
    }

    /// <summary>Generates the next batch and sets it as $1..$16 of <paramref name="insert"/> (the event log's statement).</summary>
    public void Next(Random random, NpgsqlParameterCollection insert)
    {
        var receivedAt = DateTime.UtcNow;
        for (var i = 0; i < _messageId.Length; i++)
        {
            var e = _generator.Next(random);
            _messageId[i] = e.MessageId;
            _event[i] = e.Name;
            _userId[i] = e.UserId;
            _accountId[i] = e.AccountId;
            _eventTime[i] = e.Timestamp.UtcDateTime;
            _receivedAt[i] = receivedAt;
            _feature[i] = e.Feature;
            _plan[i] = e.Plan;
            _properties[i] = Properties(e);
        }

        object[] columns = [_workspace, _source, _messageId, _kind, _event, _userId, _anonymousId, _accountId, _previousId,
            _eventTime, _receivedAt, _feature, _count, _plan, _properties, _traits];
        for (var c = 0; c < columns.Length; c++)
        {
            insert[c].Value = columns[c];
        }
    }

    private string Properties(LoadEvent e)
    {
        _json.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(_json))
        {
            w.WriteStartObject();
            e.WriteProperties(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(_json.WrittenSpan);
    }

    private static string[] Filled(int length, string value) => Enumerable.Repeat(value, length).ToArray();
}
