using System.Reflection;
using IngestLayer.Contracts;

namespace IngestLayer.UnitTests;

/// <summary>
/// A grain factory for dispatch tests: account and user grains whose batch calls go to <see cref="OnCall"/>
/// (by default they answer at once), so a test sees which grain was called, when, and how many calls overlap.
/// </summary>
public class RecordingGrains : DispatchProxy
{
    private readonly Lock _gate = new();
    private int _inFlight;

    /// <summary>Called for each account <c>ApplyAsync</c> and user <c>ApplyActivityAsync</c>, with the grain's key.</summary>
    public Func<string, Task> OnCall { get; set; } = _ => Task.CompletedTask;

    public List<(string Key, DateTime At)> Calls { get; } = [];

    public int MaxInFlight { get; private set; }

    /// <summary>When the grain with <paramref name="key"/> was first called, or null.</summary>
    public DateTime? FirstCall(string key)
    {
        lock (_gate)
        {
            return Calls.Where(c => c.Key == key).Select(c => (DateTime?)c.At).FirstOrDefault();
        }
    }

    public static (IGrainFactory Factory, RecordingGrains Grains) Create()
    {
        var factory = Create<IGrainFactory, RecordingGrains>();
        return (factory, (RecordingGrains)(object)factory);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod is not { Name: "GetGrain", IsGenericMethod: true } || args is not [string key, ..])
        {
            throw new NotSupportedException(targetMethod?.Name);
        }

        var type = targetMethod.GetGenericArguments()[0];
        var grain = type == typeof(IAccountGrain) ? DispatchProxy.Create<IAccountGrain, Grain>()
            : type == typeof(IUserGrain) ? (object)DispatchProxy.Create<IUserGrain, Grain>()
            : throw new NotSupportedException(type.Name);
        ((Grain)grain).Init(this, key);
        return grain;
    }

    private async Task RecordAsync(string key)
    {
        lock (_gate)
        {
            Calls.Add((key, DateTime.UtcNow));
            MaxInFlight = Math.Max(MaxInFlight, ++_inFlight);
        }

        try
        {
            await OnCall(key);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
            }
        }
    }

    public class Grain : DispatchProxy
    {
        private RecordingGrains _owner = null!;
        private string _key = "";

        internal void Init(RecordingGrains owner, string key) => (_owner, _key) = (owner, key);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(IAccountGrain.ApplyAsync) when targetMethod.ReturnType == typeof(Task) => _owner.RecordAsync(_key),
            nameof(IUserGrain.ApplyActivityAsync) => _owner.RecordAsync(_key),
            _ => throw new NotSupportedException(targetMethod?.Name),
        };
    }
}
