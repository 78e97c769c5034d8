namespace IngestLayer.Grains;

/// <summary>The grain storage provider name the grains persist their state with.</summary>
public static class GrainStorage
{
    public const string Name = "grains";
}
