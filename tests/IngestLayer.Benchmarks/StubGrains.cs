using System.Reflection;
using IngestLayer.Contracts;

namespace IngestLayer.Benchmarks;

/// <summary>
/// A grain factory whose user and account grains answer at once, doing nothing: what is left of a
/// routing benchmark is the router's own work.
/// </summary>
public class StubGrainFactory : DispatchProxy
{
    public static IGrainFactory Create() => Create<IGrainFactory, StubGrainFactory>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod is { Name: "GetGrain", IsGenericMethod: true } && targetMethod.GetGenericArguments()[0] is var type
            ? type == typeof(IUserGrain) ? new StubUserGrain() : type == typeof(IAccountGrain) ? new StubAccountGrain() : throw new NotSupportedException(type.Name)
            : throw new NotSupportedException(targetMethod?.Name);

    private sealed class StubUserGrain : IUserGrain
    {
        public Task<string?[]> ApplyAsync(UserActivity? earlier, EventBatch batch) =>
            Task.FromResult(batch.Events.Select(e => e.AccountId).ToArray());

        public Task ApplyActivityAsync(UserActivity activity) => Task.CompletedTask;

        public Task<UserProfile?> GetProfileAsync() => Task.FromResult<UserProfile?>(null);

        public Task<UserSnapshot?> GetSnapshotAsync() => Task.FromResult<UserSnapshot?>(null);

        public Task PersistAsync() => Task.CompletedTask;
    }

    private sealed class StubAccountGrain : IAccountGrain
    {
        public Task ApplyAsync(EventBatch batch) => Task.CompletedTask;

        public Task AssignOwnerAsync(OwnerAssignment assignment) => Task.CompletedTask;

        public Task EvaluateScheduledAsync() => Task.CompletedTask;

        public Task SnoozeAsync(string? ruleId, DateTimeOffset until) => Task.CompletedTask;

        public Task<bool> AcknowledgeAsync(string alertId, string by, DateTimeOffset at) => Task.FromResult(true);

        public Task<AccountRebuildResult> RebuildAsync() => throw new NotSupportedException();

        public Task<AccountSnapshot?> GetSnapshotAsync() => Task.FromResult<AccountSnapshot?>(null);

        public Task PersistAsync() => Task.CompletedTask;
    }
}
