using Microsoft.Extensions.Options;

namespace IngestLayer.Client;

/// <summary>Checks <see cref="IngestLayerClientOptions"/>; one message per problem, naming the setting.</summary>
public sealed class IngestLayerClientOptionsValidator : IValidateOptions<IngestLayerClientOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestLayerClientOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.WriteKey))
        {
            failures.Add("WriteKey is required: the write key of an IngestLayer source.");
        }

        if (options.Host is not { IsAbsoluteUri: true } host || (host.Scheme != Uri.UriSchemeHttp && host.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"Host must be an absolute http(s) URL such as http://127.0.0.1:5080; got '{options.Host}'.");
        }

        Check(options.BatchSize is >= 1 and <= 10_000, "BatchSize must be between 1 and 10000.");
        Check(options.FlushInterval > TimeSpan.Zero && options.FlushInterval <= TimeSpan.FromHours(1), "FlushInterval must be positive and at most an hour.");
        Check(options.MaxQueueSize >= 1, "MaxQueueSize must be at least 1.");
        Check(Enum.IsDefined(options.Overflow), "Overflow must be DropNewest or Wait.");
        Check(options.MaxRetries is >= 0 and <= 20, "MaxRetries must be between 0 and 20.");
        Check(options.RetryBaseDelay > TimeSpan.Zero, "RetryBaseDelay must be positive.");
        Check(options.MaxRetryDelay >= options.RetryBaseDelay, "MaxRetryDelay must be at least RetryBaseDelay.");
        Check(options.RequestTimeout >= TimeSpan.FromMilliseconds(10) && options.RequestTimeout <= TimeSpan.FromDays(1), "RequestTimeout must be between 10 ms and a day.");
        Check(options.ShutdownTimeout >= TimeSpan.Zero, "ShutdownTimeout must not be negative.");
        Check(options.MaxEventBytes >= 256, "MaxEventBytes must be at least 256.");
        Check(options.MaxBatchBytes >= options.MaxEventBytes + 16, "MaxBatchBytes must hold at least one event of MaxEventBytes.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(bool ok, string failure)
        {
            if (!ok)
            {
                failures.Add(failure);
            }
        }
    }
}
