namespace IngestLayer.LoadGen;

/// <summary>Writes native-format batches (<c>{"events":[...]}</c>) of generated events for the HTTP targets.</summary>
internal sealed class BatchWriter(LoadOptions options, EventGenerator generator)
{
    // The native writer needs no key: the key travels in the Authorization header.
    private readonly WireFormat _native = WireFormat.Create(WireFormat.Native, options.BatchSize, generator, writeKey: "");

    public BatchWriter(LoadOptions options)
        : this(options, new EventGenerator(options))
    {
    }

    public byte[] Next(Random random) => _native.Next(random);
}
