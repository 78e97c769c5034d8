using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace IngestLayer.Grains;

/// <summary>Silo settings the grains rely on, shared by the host and the grain tests.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Stores grain state with the Orleans serializer rather than the default Newtonsoft JSON: the state
    /// types keep their counters in private primitive arrays tagged with <c>[Id]</c>, which JSON would drop,
    /// and the binary form is smaller and version-tolerant by those ids.
    /// </summary>
    public static ISiloBuilder AddIngestLayerGrainStorage(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        return silo.AddMemoryGrainStorage(GrainStorage.Name);
    }
}
