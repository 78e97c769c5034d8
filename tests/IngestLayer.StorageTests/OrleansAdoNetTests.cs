using System.Net;
using System.Net.Sockets;
using IngestLayer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace IngestLayer.StorageTests;

/// <summary>
/// Real Orleans silos on ADO.NET clustering, grain storage and reminders against the migrated
/// database: if a query key, a parameter name or a result column in db/ were wrong, these fail.
/// </summary>
public sealed class OrleansAdoNetTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    public const string StorageName = "grains";
    private const string ClusterId = "storage-tests";
    private const string ServiceId = "ingestlayer-storage-tests";

    [Fact]
    public async Task grain_state_and_reminders_written_by_one_silo_are_read_back_after_a_restart()
    {
        // A non-hex prefix keeps the key clear of dotnet/orleans#9706.
        const string key = "probe:acme";
        var (siloPort, gatewayPort) = (FreePort(), FreePort());

        using (var first = BuildSilo(siloPort, gatewayPort))
        {
            await Within(first.StartAsync(), 60, "the first silo to start");
            var grain = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IProbeGrain>(key);
            await grain.SetAsync("written before the restart");
            await grain.SetAsync("written twice"); // the second write goes through the version check
            await grain.RegisterReminderAsync("daily");
            await Within(first.StopAsync(), 60, "the first silo to stop");
        }

        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            $"SELECT count(*) FROM OrleansStorage WHERE ServiceId = '{ServiceId}' AND GrainIdExtensionString = '{key}'"));
        Assert.Equal(2, await Sql.ScalarAsync<int>(database.ConnectionString,
            $"SELECT Version FROM OrleansStorage WHERE ServiceId = '{ServiceId}' AND GrainIdExtensionString = '{key}'"));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            $"SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = '{ServiceId}' AND ReminderName = 'daily'"));

        using var second = BuildSilo(siloPort, gatewayPort);
        await Within(second.StartAsync(), 60, "the second silo to start");
        try
        {
            // Read back through an external client that finds the gateway in the membership table.
            using var client = BuildClient();
            await Within(client.StartAsync(), 60, "the client to connect through the ADO.NET gateway list");
            var grain = client.Services.GetRequiredService<IClusterClient>().GetGrain<IProbeGrain>(key);

            Assert.Equal("written twice", await grain.GetAsync());
            Assert.True(await grain.HasReminderAsync("daily"));

            await grain.UnregisterReminderAsync("daily");
            Assert.False(await grain.HasReminderAsync("daily"));
            await grain.ClearAsync();
            Assert.Null(await grain.GetAsync());
            await grain.SetAsync("written after a clear");
            await Within(client.StopAsync(), 30, "the client to stop");
        }
        finally
        {
            await Within(second.StopAsync(), 60, "the second silo to stop");
        }

        // The first silo left the cluster cleanly (Dead = 6); the second too, after the test.
        var statuses = await Sql.StringsAsync(database.ConnectionString,
            $"SELECT Status::text FROM OrleansMembershipTable WHERE DeploymentId = '{ClusterId}' ORDER BY Generation");
        Assert.Equal(["6", "6"], statuses);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString,
            $"SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = '{ServiceId}'"));
        Assert.Equal(4, await Sql.ScalarAsync<int>(database.ConnectionString,
            $"SELECT Version FROM OrleansStorage WHERE ServiceId = '{ServiceId}' AND GrainIdExtensionString = '{key}'"));
    }

    private IHost BuildSilo(int siloPort, int gatewayPort) =>
        new HostBuilder()
            .UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = ClusterId;
                    o.ServiceId = ServiceId;
                });
                silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = database.ConnectionString;
                });
                silo.AddAdoNetGrainStorage(StorageName, o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = database.ConnectionString;
                });
                silo.UseAdoNetReminderService(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = database.ConnectionString;
                });
            })
            .Build();

    private IHost BuildClient() =>
        new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = ClusterId;
                    o.ServiceId = ServiceId;
                });
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = database.ConnectionString;
                });
            })
            .Build();

    private static async Task Within(Task task, int seconds, string what)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Waited {seconds}s for {what}.");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
