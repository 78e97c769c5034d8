namespace IngestLayer.StorageTests;

/// <summary>A grain that touches every ADO.NET provider: persisted state and a reminder.</summary>
[Alias("IngestLayer.StorageTests.IProbeGrain")]
public interface IProbeGrain : IGrainWithStringKey
{
    Task SetAsync(string value);
    Task<string?> GetAsync();
    Task ClearAsync();
    Task RegisterReminderAsync(string name);
    Task<bool> HasReminderAsync(string name);
    Task UnregisterReminderAsync(string name);
}

[GenerateSerializer, Alias("IngestLayer.StorageTests.ProbeState")]
public sealed class ProbeState
{
    [Id(0)] public string? Value { get; set; }
}

public sealed class ProbeGrain([PersistentState("probe", OrleansAdoNetTests.StorageName)] IPersistentState<ProbeState> state)
    : Grain, IProbeGrain, IRemindable
{
    public async Task SetAsync(string value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }

    public Task<string?> GetAsync() => Task.FromResult(state.State.Value);

    public Task ClearAsync() => state.ClearStateAsync();

    // Due in an hour: the test checks the stored reminder, it does not wait for a tick.
    public Task RegisterReminderAsync(string name) =>
        this.RegisterOrUpdateReminder(name, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

    public async Task<bool> HasReminderAsync(string name) => await this.GetReminder(name) is not null;

    public async Task UnregisterReminderAsync(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
