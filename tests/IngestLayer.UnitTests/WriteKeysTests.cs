using IngestLayer.Gateway;
using IngestLayer.Gateway.Security;
using IngestLayer.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IngestLayer.UnitTests;

public sealed class WriteKeysTests
{
    private const string ConfiguredKey = "wk_live_123456";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void a_configured_key_resolves_to_its_source_and_anything_else_to_nothing()
    {
        var keys = NewKeys();

        Assert.Equal(new Source("web", "default"), keys.Resolve(ConfiguredKey));
        Assert.Null(keys.Resolve("wk_live_123457"));
        Assert.Null(keys.Resolve(""));
        Assert.Null(keys.Resolve(null));
        Assert.Null(keys.Resolve(new string('k', 513)));
    }

    [Fact]
    public void a_stored_source_resolves_by_its_key_once_loaded_and_configured_keys_survive_every_load()
    {
        var keys = NewKeys();
        var key = SourceKeys.Generate();

        keys.Load([Stored("app", key)]);
        Assert.Equal(new Source("app", "ws1"), keys.Resolve(key));

        keys.Load([]);
        Assert.Null(keys.Resolve(key));
        Assert.Equal(new Source("web", "default"), keys.Resolve(ConfiguredKey));
    }

    [Fact]
    public void a_revoked_source_does_not_resolve()
    {
        var keys = NewKeys();
        var key = SourceKeys.Generate();

        keys.Load([Stored("app", key) with { RevokedAt = _time.GetUtcNow() }]);

        Assert.Null(keys.Resolve(key));
    }

    [Fact]
    public void a_rotated_out_key_resolves_until_its_grace_period_ends_and_the_new_one_after()
    {
        var keys = NewKeys();
        var (oldKey, newKey) = (SourceKeys.Generate(), SourceKeys.Generate());
        keys.Load([Stored("app", newKey) with { PreviousKeyDigest = WriteKeys.Digest(oldKey), PreviousKeyValidUntil = _time.GetUtcNow().AddHours(24) }]);

        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromTicks(1));
        Assert.Equal(new Source("app", "ws1"), keys.Resolve(oldKey));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Null(keys.Resolve(oldKey));
        Assert.Equal(new Source("app", "ws1"), keys.Resolve(newKey));
    }

    [Fact]
    public void generated_keys_are_wk_and_43_base64url_characters_and_the_prefix_is_their_first_8()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => SourceKeys.Generate()).ToList();

        Assert.All(keys, k => Assert.Matches("^wk_[A-Za-z0-9_-]{43}$", k));
        Assert.Equal(100, keys.Distinct().Count());
        Assert.Equal(keys[0][..8], SourceKeys.Prefix(keys[0]));
    }

    [Fact]
    public async Task a_source_revoked_through_one_host_stops_working_on_another_within_its_refresh_interval()
    {
        var store = new MemorySourceStore();
        var key = SourceKeys.Generate();
        await store.CreateAsync(Stored("app", key), CancellationToken.None);
        var (hostA, refresherA) = NewHost(store);
        var (hostB, refresherB) = NewHost(store);
        await refresherA.StartAsync(CancellationToken.None);
        await refresherB.StartAsync(CancellationToken.None);
        try
        {
            Assert.NotNull(hostB.Resolve(key));

            await store.RevokeAsync("ws1", "app", _time.GetUtcNow(), CancellationToken.None);
            await refresherA.RefreshAsync(CancellationToken.None);

            Assert.Null(hostA.Resolve(key));
            Assert.NotNull(hostB.Resolve(key));

            _time.Advance(TimeSpan.FromSeconds(5));
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (hostB.Resolve(key) is not null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.Null(hostB.Resolve(key));
        }
        finally
        {
            await refresherA.StopAsync(CancellationToken.None);
            await refresherB.StopAsync(CancellationToken.None);
        }
    }

    private (WriteKeys Keys, SourceKeyRefresher Refresher) NewHost(ISourceStore store)
    {
        var keys = NewKeys();
        return (keys, new SourceKeyRefresher(store, keys, Options.Create(new SourceKeyOptions()), _time, NullLogger<SourceKeyRefresher>.Instance));
    }

    private WriteKeys NewKeys()
    {
        var options = new IngestLayerOptions();
        options.Sources["web"] = new SourceOptions { WriteKey = ConfiguredKey };
        return new WriteKeys(Options.Create(options), _time);
    }

    private SourceRecord Stored(string name, string key) =>
        new("ws1", name, WriteKeys.Digest(key), SourceKeys.Prefix(key), _time.GetUtcNow());
}
