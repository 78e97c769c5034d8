namespace IngestLayer.Grains;

/// <summary>
/// The DI key of the clock grains read. It is keyed, not the global <see cref="TimeProvider"/>, because
/// the Orleans runtime reads the global one for its own loops: a test that fakes the application's time
/// must not stop the silo's (dotnet/orleans#9131).
/// </summary>
public static class AppClock
{
    public const string Key = "ingestlayer";
}
