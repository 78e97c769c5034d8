using IngestLayer.Slack;
using IngestLayer.Storage.Postgres;
using IngestLayer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace IngestLayer.SlackTests;

/// <summary>
/// Durable mode's installations: stored in PostgreSQL with the tokens encrypted, the Data Protection key ring in the
/// same database, so a second host (its own services and pool) decrypts what the first stored.
/// </summary>
public sealed class PostgresSlackInstallationTests : IAsyncLifetime
{
    private const string Workspace = "acme";
    private PostgresServer _server = null!;
    private string _connectionString = "";
    private FakeSlack _slack = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.AcquireSharedAsync();
        _connectionString = await _server.CreateDatabaseAsync(nameof(PostgresSlackInstallationTests));
        await using (var dataSource = NpgsqlDataSource.Create(_connectionString))
        {
            await new SchemaMigrator(dataSource).MigrateAsync(CancellationToken.None);
        }

        _slack = await FakeSlack.StartAsync(o => o.TokenLifetime = TimeSpan.FromHours(12));
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await _server.DropDatabaseAsync(_connectionString);
        await PostgresServer.ReleaseSharedAsync();
    }

    [Fact]
    public async Task the_database_never_holds_a_token_in_clear_and_a_second_host_decrypts_it()
    {
        await using var first = SlackAppServices.Build(_slack, postgres: _connectionString);
        Assert.IsType<SlackInstallOutcome.Installed>(await first.InstallAsync(_slack, Workspace));
        var token = Assert.Single(_slack.IssuedTokens);

        // Every column of the row, as text: the team is there, neither token is.
        var row = await Sql.StringsAsync(_connectionString, "SELECT row_to_json(i)::text FROM slack_installations i");
        var stored = Assert.Single(row);
        Assert.Contains("\"team_id\":\"T0FAKESLACK\"", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("xoxb", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("xoxe", stored, StringComparison.Ordinal);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(_connectionString, "SELECT count(*) FROM data_protection_keys"));

        // Another host: its own service provider, pool and token source; the key ring is read from the database.
        await using var second = SlackAppServices.Build(_slack, postgres: _connectionString);
        var credential = Assert.IsType<SlackCredential.Token>(await second.GetRequiredService<ISlackTokenSource>().GetAsync(Workspace, CancellationToken.None));
        Assert.Equal(token, credential.Value);
        Assert.IsType<SlackPostResult.Ok>(await second.GetRequiredService<SlackPoster>().PostAsync(Workspace, new SlackMessage("#alerts", "from host two", []), CancellationToken.None));
        Assert.Equal(token, _slack.Calls[^1].BearerToken);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(_connectionString, "SELECT count(*) FROM data_protection_keys"));
    }

    [Fact]
    public async Task a_state_issued_by_one_host_is_accepted_once_by_another()
    {
        await using var first = SlackAppServices.Build(_slack, postgres: _connectionString);
        await using var second = SlackAppServices.Build(_slack, postgres: _connectionString);
        var callback = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(
            _slack.Authorize(first.GetRequiredService<SlackInstaller>().AuthorizeUrl("other")).Query);

        var installed = await second.GetRequiredService<SlackInstaller>().CompleteAsync(callback["code"], callback["state"], null, CancellationToken.None);
        var replayed = await first.GetRequiredService<SlackInstaller>().CompleteAsync(callback["code"], callback["state"], null, CancellationToken.None);

        Assert.IsType<SlackInstallOutcome.Installed>(installed);
        Assert.Equal("state_reused", Assert.IsType<SlackInstallOutcome.Failed>(replayed).Error);
    }

    [Fact]
    public async Task hosts_starting_together_on_an_empty_key_ring_make_one_key_and_read_each_others_ciphertext()
    {
        var fresh = await _server.CreateDatabaseAsync("keyring");
        try
        {
            await using (var dataSource = NpgsqlDataSource.Create(fresh))
            {
                await new SchemaMigrator(dataSource).MigrateAsync(CancellationToken.None);
            }

            var hosts = Enumerable.Range(0, 4).Select(_ => SlackAppServices.Build(_slack, postgres: fresh)).ToList();
            try
            {
                var created = await Task.WhenAll(hosts.Select(h => h.GetRequiredService<PostgresKeyRing>().EnsureKeyAsync(CancellationToken.None)));

                Assert.Single(created, c => c);
                Assert.Equal(1L, await Sql.ScalarAsync<long>(fresh, "SELECT count(*) FROM data_protection_keys"));

                // Every host encrypts with that key, so each reads what any other wrote.
                var written = hosts.Select((h, i) => h.GetRequiredService<SlackTokenProtector>().Protect($"xoxb-host-{i}")).ToList();
                for (var reader = 0; reader < hosts.Count; reader++)
                {
                    Assert.Equal(
                        Enumerable.Range(0, hosts.Count).Select(i => $"xoxb-host-{i}"),
                        written.Select(w => hosts[reader].GetRequiredService<SlackTokenProtector>().TryUnprotect(w)));
                }

                Assert.Equal(1L, await Sql.ScalarAsync<long>(fresh, "SELECT count(*) FROM data_protection_keys"));
            }
            finally
            {
                foreach (var host in hosts)
                {
                    await host.DisposeAsync();
                }
            }
        }
        finally
        {
            await _server.DropDatabaseAsync(fresh);
        }
    }
}
