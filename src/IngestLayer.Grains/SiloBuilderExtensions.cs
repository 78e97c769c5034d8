using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace IngestLayer.Grains;

/// <summary>Silo settings the grains rely on, shared by the host and the grain tests.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Embedded mode's grain storage: in memory, with <see cref="UseIngestLayerGrainStorageSerializer"/>.</summary>
    public static ISiloBuilder AddIngestLayerGrainStorage(this ISiloBuilder silo)
    {
        silo.UseIngestLayerGrainStorageSerializer();
        return silo.AddMemoryGrainStorage(GrainStorage.Name);
    }

    /// <summary>
    /// Stores grain state with the Orleans serializer rather than the default Newtonsoft JSON: the state
    /// types keep their counters in private primitive arrays tagged with <c>[Id]</c>, which JSON would drop,
    /// and the binary form is smaller and version-tolerant by those ids. Every storage provider that does not
    /// name a serializer of its own (memory, ADO.NET) picks this one up.
    /// </summary>
    public static ISiloBuilder UseIngestLayerGrainStorageSerializer(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        return silo;
    }
}
