using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

/// <summary>What every <see cref="ISlackThreadStore"/> must do; each test works in a workspace of its own.</summary>
public abstract class SlackThreadStoreContract
{
    private static readonly DateOnly Monday = new(2026, 3, 2);

    protected abstract ISlackThreadStore Store { get; }

    [Fact]
    public async Task an_account_with_no_alert_posted_that_day_has_no_thread()
    {
        var ws = TestEvents.NewWorkspace();
        await Store.AddAsync(new SlackThreadKey(ws, "acme", "#alerts", Monday), new SlackThread("C1", "1.000100"), CancellationToken.None);

        Assert.Null(await Store.GetAsync(new SlackThreadKey(ws, "globex", "#alerts", Monday), CancellationToken.None));
        Assert.Null(await Store.GetAsync(new SlackThreadKey(ws, "acme", "#growth", Monday), CancellationToken.None));
        Assert.Null(await Store.GetAsync(new SlackThreadKey(ws, "acme", "#alerts", Monday.AddDays(1)), CancellationToken.None));
        Assert.Null(await Store.GetAsync(new SlackThreadKey(TestEvents.NewWorkspace(), "acme", "#alerts", Monday), CancellationToken.None));
    }

    [Fact]
    public async Task the_days_first_thread_stands_when_a_second_is_recorded()
    {
        var key = new SlackThreadKey(TestEvents.NewWorkspace(), "acme", "#alerts", Monday);

        var first = await Store.AddAsync(key, new SlackThread("C1", "1.000100"), CancellationToken.None);
        var second = await Store.AddAsync(key, new SlackThread("C1", "1.000200"), CancellationToken.None);

        Assert.Equal(new SlackThread("C1", "1.000100"), first);
        Assert.Equal(first, second);
        Assert.Equal(first, await Store.GetAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task a_new_day_replaces_the_old_days_thread_and_an_older_day_does_not()
    {
        var ws = TestEvents.NewWorkspace();
        var monday = new SlackThreadKey(ws, "acme", "#alerts", Monday);
        var tuesday = monday with { Day = Monday.AddDays(1) };
        await Store.AddAsync(monday, new SlackThread("C1", "1.000100"), CancellationToken.None);

        Assert.Equal(new SlackThread("C1", "2.000100"), await Store.AddAsync(tuesday, new SlackThread("C1", "2.000100"), CancellationToken.None));
        await Store.AddAsync(monday, new SlackThread("C1", "1.000300"), CancellationToken.None); // a late retry of Monday's

        Assert.Equal(new SlackThread("C1", "2.000100"), await Store.GetAsync(tuesday, CancellationToken.None));
        Assert.Null(await Store.GetAsync(monday, CancellationToken.None));
    }

    [Fact]
    public async Task concurrent_first_posts_agree_on_one_thread()
    {
        var key = new SlackThreadKey(TestEvents.NewWorkspace(), "acme", "#alerts", Monday);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Store.AddAsync(key, new SlackThread("C1", $"1.{i:D6}"), CancellationToken.None).AsTask()));

        Assert.Single(results.Distinct());
        Assert.Equal(results[0], await Store.GetAsync(key, CancellationToken.None));
    }
}
