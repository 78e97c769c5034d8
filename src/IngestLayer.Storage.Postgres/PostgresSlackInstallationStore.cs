using Npgsql;
using NpgsqlTypes;

namespace IngestLayer.Storage.Postgres;

/// <summary>Durable mode's Slack installations (<c>slack_installations</c>) and used install states (<c>slack_install_states</c>).</summary>
public sealed class PostgresSlackInstallationStore(NpgsqlDataSource dataSource) : ISlackInstallationStore
{
    private const string Columns = """
        workspace, installation_id, team_id, team_name, app_id, bot_user_id, scopes, bot_token, refresh_token,
        token_expires_at, token_version, installed_at, active, deactivated_at, deactivated_reason
        """;

    public async ValueTask<SlackInstallation?> GetAsync(string workspace, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM slack_installations WHERE workspace = $1", [SqlParameters.Text(workspace)], cancellationToken))
        .SingleOrDefault();

    public async ValueTask<IReadOnlyList<SlackInstallation>> ListAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"""SELECT {Columns} FROM slack_installations ORDER BY workspace COLLATE "C" """, [], cancellationToken);

    public async ValueTask SaveAsync(SlackInstallation installation, CancellationToken cancellationToken)
    {
        await ExecuteAsync("store a Slack installation", """
            INSERT INTO slack_installations (workspace, installation_id, team_id, team_name, app_id, bot_user_id, scopes, bot_token,
                                             refresh_token, token_expires_at, token_version, installed_at, active, deactivated_at, deactivated_reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (workspace) DO UPDATE SET
                installation_id = excluded.installation_id, team_id = excluded.team_id, team_name = excluded.team_name,
                app_id = excluded.app_id, bot_user_id = excluded.bot_user_id, scopes = excluded.scopes, bot_token = excluded.bot_token,
                refresh_token = excluded.refresh_token, token_expires_at = excluded.token_expires_at, token_version = excluded.token_version,
                installed_at = excluded.installed_at, active = excluded.active, deactivated_at = excluded.deactivated_at,
                deactivated_reason = excluded.deactivated_reason
            """,
            [
                SqlParameters.Text(installation.Workspace), Uuid(installation.InstallationId), SqlParameters.Text(installation.TeamId),
                SqlParameters.Text(installation.TeamName), SqlParameters.Text(installation.AppId), SqlParameters.Text(installation.BotUserId),
                SqlParameters.Text(installation.Scopes), SqlParameters.Text(installation.ProtectedBotToken),
                SqlParameters.Text(installation.ProtectedRefreshToken), SqlParameters.Time(installation.TokenExpiresAt),
                SqlParameters.Int(installation.TokenVersion), SqlParameters.Time(installation.InstalledAt), Bool(installation.Active),
                SqlParameters.Time(installation.DeactivatedAt), SqlParameters.Text(installation.DeactivatedReason),
            ],
            cancellationToken);
    }

    public async ValueTask<bool> RotateTokensAsync(string workspace, Guid installationId, int expectedVersion, SlackRotatedTokens tokens, CancellationToken cancellationToken) =>
        await ExecuteAsync("rotate a Slack installation's tokens", """
            UPDATE slack_installations
            SET bot_token = $4, refresh_token = $5, token_expires_at = $6, token_version = token_version + 1
            WHERE workspace = $1 AND installation_id = $2 AND token_version = $3
            """,
            [
                SqlParameters.Text(workspace), Uuid(installationId), SqlParameters.Int(expectedVersion),
                SqlParameters.Text(tokens.ProtectedBotToken), SqlParameters.Text(tokens.ProtectedRefreshToken), SqlParameters.Time(tokens.TokenExpiresAt),
            ],
            cancellationToken) == 1;

    public async ValueTask<bool> DeactivateAsync(string workspace, Guid installationId, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        await ExecuteAsync("deactivate a Slack installation", """
            UPDATE slack_installations SET active = false, deactivated_at = $3, deactivated_reason = $4
            WHERE workspace = $1 AND installation_id = $2 AND active
            """,
            [SqlParameters.Text(workspace), Uuid(installationId), SqlParameters.Time(at), SqlParameters.Text(reason)],
            cancellationToken) == 1;

    public async ValueTask<bool> TryConsumeStateAsync(string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Installs are rare: pruning on each one keeps the table at the handful of states of the last minutes.
        await ExecuteAsync("forget expired Slack install states", "DELETE FROM slack_install_states WHERE expires_at <= $1", [SqlParameters.Time(now)], cancellationToken);
        return await ExecuteAsync("record a Slack install state",
            "INSERT INTO slack_install_states (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING",
            [SqlParameters.Text(nonce), SqlParameters.Time(expiresAt)],
            cancellationToken) == 1;
    }

    private static NpgsqlParameter Uuid(Guid value) => new NpgsqlParameter<Guid> { NpgsqlDbType = NpgsqlDbType.Uuid, TypedValue = value };

    private static NpgsqlParameter Bool(bool value) => new NpgsqlParameter<bool> { NpgsqlDbType = NpgsqlDbType.Boolean, TypedValue = value };

    private Task<int> ExecuteAsync(string operation, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken) =>
        PostgresErrors.ExecuteAsync(dataSource, operation, sql, parameters, cancellationToken);

    private async Task<List<SlackInstallation>> QueryAsync(string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var found = new List<SlackInstallation>();
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(new SlackInstallation(
                    reader.GetString(0),
                    reader.GetGuid(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.GetString(6),
                    reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                    reader.GetInt32(10),
                    reader.GetFieldValue<DateTimeOffset>(11),
                    reader.GetBoolean(12),
                    reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
                    reader.IsDBNull(14) ? null : reader.GetString(14)));
            }

            return found;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "read Slack installations");
        }
    }
}
