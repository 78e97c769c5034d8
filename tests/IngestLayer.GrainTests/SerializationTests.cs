using IngestLayer.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace IngestLayer.GrainTests;

[Collection(ClusterCollection.Name)]
public class SerializationTests(ClusterFixture fixture)
{
    [Fact]
    public void account_state_round_trips_through_the_orleans_serializer()
    {
        var serializer = fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();
        var now = fixture.Time.GetUtcNow();
        var state = new AccountState { Plan = "free" };
        state.Apply(new GrainTestEvents(now).Track("ada", "feature.used", "acme", "reports"), now);

        var copy = serializer.Deserialize<AccountState>(serializer.SerializeToArray(state))!;

        Assert.Equal("free", copy.Plan);
        Assert.Equal(1, copy.Features.Get("reports")!.Counts(now).Last24Hours);
        Assert.Equal(1, copy.Events.Get("feature.used")?.Total);
        Assert.Equal(1, copy.ActiveUsers.Count(now, 1));
        Assert.Contains("ada", copy.Members);
    }
}
