using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Makes sure the shared Data Protection key ring (<see cref="PostgresXmlRepository"/>) holds a usable key before any
/// host encrypts with it, one host at a time. Left to itself, each host that finds the ring empty makes a key of its
/// own, effective at once; two hosts doing so together each encrypt with a key the other's cached ring lacks (for up
/// to a day), and cannot read each other's tokens. Run at start-up, after the migrations.
/// </summary>
public sealed class PostgresKeyRing(NpgsqlDataSource dataSource, IKeyManager keys, IOptions<KeyManagementOptions> options)
{
    /// <summary>The advisory lock key-ring checks take (ASCII "IL-DPkey"), apart from the migrator's.</summary>
    public const long AdvisoryLockKey = 0x494C_2D44_504B_6579;

    // A key closer to its expiry than this is left to Data Protection's own rollover, which makes the next key
    // ahead of time with a later activation date, so every host has read it before it is used.
    private static readonly TimeSpan RolloverWindow = TimeSpan.FromDays(2);

    /// <summary>Creates the first key if the ring has none that is active; true when this call created it.</summary>
    public async Task<bool> EnsureKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_lock({AdvisoryLockKey})", connection))
            {
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            try
            {
                // GetAllKeys reads the repository itself, not a cached ring: under the lock it sees every host's keys.
                // The wall clock, not a TimeProvider: Data Protection's key ring provider judges keys by DateTime.UtcNow,
                // and this must judge them as it will.
                var now = DateTimeOffset.UtcNow;
                if (keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now + RolloverWindow))
                {
                    return false;
                }

                keys.CreateNewKey(now, now + options.Value.NewKeyLifetime);
                return true;
            }
            finally
            {
                await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({AdvisoryLockKey})", connection);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "check the Data Protection key ring");
        }
    }
}
