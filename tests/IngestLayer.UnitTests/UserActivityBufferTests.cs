using IngestLayer.Contracts;
using IngestLayer.Gateway;

namespace IngestLayer.UnitTests;

/// <summary>A user's builder is kept, emptied, across takes: nothing taken may come back, and counts stay right.</summary>
public class UserActivityBufferTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 30, TimeSpan.Zero);

    private static IngestEvent Track(string user, string account, string feature, int secondsAgo = 0) => new()
    {
        Workspace = "default", Source = "s", MessageId = Guid.NewGuid().ToString(), Name = "feature.used",
        UserId = user, AccountId = account, Feature = feature, Timestamp = Noon.AddSeconds(-secondsAgo),
    };

    [Fact]
    public void activity_taken_by_a_flush_is_not_taken_again()
    {
        var held = new UserActivityBuffer();
        held.Add(Track("u1", "acme", "reports"));
        held.Add(Track("u1", "globex", "exports", secondsAgo: 90));
        held.Add(Track("u2", "acme", "reports"));

        var first = held.TakeAll().ToDictionary(a => a.User, a => a.Activity);
        Assert.Equal((0, 0L), (held.Users, held.Events));
        Assert.Equal(2, first["u1"].Events);
        Assert.Equal(["acme", "globex"], first["u1"].Accounts);
        Assert.Equal(2, first["u1"].Usage.Length);

        held.Add(Track("u1", "acme", "reports"));
        Assert.Equal((1, 1L), (held.Users, held.Events));

        var second = Assert.Single(held.TakeAll());
        Assert.Equal("u1", second.User);
        Assert.Equal(1, second.Activity.Events);
        Assert.Equal(["acme"], second.Activity.Accounts);
        Assert.Equal([new UsageCount("feature.used", "reports", Noon.ToUnixTimeSeconds() / 60, 1, 1)], second.Activity.Usage);
        Assert.Equal((Noon, Noon), (second.Activity.FirstSeen, second.Activity.LastSeen));
        Assert.Empty(held.TakeAll());
    }

    [Fact]
    public void equal_names_and_features_count_in_one_row_whatever_their_instances()
    {
        // Rows are matched by their text: a pool can hand over another instance of the same name or feature.
        var held = new UserActivityBuffer();
        held.Add(Track("u1", "acme", "csv.export"));
        held.Add(Track("u1", "acme", "api.access"));
        held.Add(Track("u1", "acme", new string("csv.export".AsSpan())) with { Name = new string("feature.used".AsSpan()), Count = 3 });
        held.Add(Track("u1", "acme", "audit.view", secondsAgo: 60));
        held.Add(Track("u1", "acme", new string("audit.view".AsSpan()), secondsAgo: 60));

        var minute = Noon.ToUnixTimeSeconds() / 60;
        Assert.Equal(
            [new UsageCount("feature.used", "csv.export", minute, 2, 4), new("feature.used", "api.access", minute, 1, 1), new("feature.used", "audit.view", minute - 1, 2, 2)],
            Assert.Single(held.TakeAll()).Activity.Usage);
    }

    [Fact]
    public void features_alike_in_length_and_their_first_middle_and_last_letters_keep_their_own_rows()
    {
        // Rows are found by a key from a few of their letters; "abcd" and "aXcd" share one.
        var held = new UserActivityBuffer();
        held.Add(Track("u1", "acme", "abcd"));
        held.Add(Track("u1", "acme", "aXcd"));
        held.Add(Track("u1", "acme", "abcd"));
        held.Add(Track("u1", "acme", "aXcd"));
        held.Add(Track("u1", "acme", "abcd"));

        var minute = Noon.ToUnixTimeSeconds() / 60;
        Assert.Equal(
            [new UsageCount("feature.used", "abcd", minute, 3, 3), new("feature.used", "aXcd", minute, 2, 2)],
            Assert.Single(held.TakeAll()).Activity.Usage);
    }

    [Fact]
    public void a_user_taken_alone_has_nothing_held_until_their_next_event()
    {
        var held = new UserActivityBuffer();
        held.Add(Track("u1", "acme", "reports"));
        held.Add(Track("u2", "acme", "reports"));

        Assert.Equal(1, held.Take("default", "u1")!.Events);
        Assert.Null(held.Take("default", "u1"));
        Assert.Null(held.Take("default", "nobody"));
        Assert.Equal((1, 1L), (held.Users, held.Events));

        held.Add(Track("u1", "globex", "exports"));
        Assert.Equal((2, 2L), (held.Users, held.Events));
        var activity = held.Take("default", "u1")!;
        Assert.Equal(["globex"], activity.Accounts);
        Assert.Equal("exports", Assert.Single(activity.Usage).Feature);
    }

    [Fact]
    public void users_idle_for_a_whole_interval_come_back_as_new()
    {
        var held = new UserActivityBuffer();
        held.Add(Track("u1", "acme", "reports"));
        held.TakeAll();
        held.TakeAll(); // u1 sent nothing in between: their builder goes

        held.Add(Track("u1", "globex", "exports"));
        var activity = Assert.Single(held.TakeAll()).Activity;
        Assert.Equal(["globex"], activity.Accounts);
        Assert.Equal(1, activity.Events);
    }

    [Fact]
    public void a_user_with_many_distinct_events_starts_small_again_after_a_take()
    {
        var held = new UserActivityBuffer();
        for (var i = 0; i < 100; i++)
        {
            held.Add(Track("u1", "acme", "feature-" + i));
        }

        Assert.Equal(100, Assert.Single(held.TakeAll()).Activity.Usage.Length);
        held.Add(Track("u1", "acme", "reports"));
        Assert.Equal("reports", Assert.Single(Assert.Single(held.TakeAll()).Activity.Usage).Feature);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(1_000)] // past the stack-allocated hashes
    public void events_added_user_by_user_hold_what_adding_them_in_stored_order_holds(int count)
    {
        // Two accounts' slices of one round, users interleaved (anonymous ones too), some events not held at all.
        var random = new Random(7);
        var events = Enumerable.Range(0, count).Select(i =>
        {
            var e = Track("u" + random.Next(6), i % 3 == 0 ? "globex" : "acme", "f" + random.Next(3), secondsAgo: random.Next(120));
            return i % 7 == 0 ? e with { UserId = null, AnonymousId = "a" + random.Next(2) } : e;
        }).ToArray();
        var heldIndexes = Enumerable.Range(0, count).Where(i => i % 5 != 0).ToArray();

        var inOrder = new UserActivityBuffer();
        foreach (var i in heldIndexes)
        {
            inOrder.Add(events[i]);
        }

        var byUser = new UserActivityBuffer();
        var userHashes = events.Select(UserActivityBuffer.UserHash).ToArray();
        foreach (var account in new[] { "acme", "globex" })
        {
            var slice = heldIndexes.Where(i => events[i].AccountId == account).ToArray();
            byUser.Add(events, slice, userHashes, firstSequence: 1);
        }

        Assert.Equal((inOrder.Users, inOrder.Events), (byUser.Users, byUser.Events));
        var expected = inOrder.TakeAll().ToDictionary(a => a.User, a => a.Activity);
        var actual = byUser.TakeAll().ToDictionary(a => a.User, a => a.Activity);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.Contains("anon:a0", actual.Keys);
        foreach (var (user, activity) in expected)
        {
            Assert.Equal((activity.Events, activity.FirstSeen, activity.LastSeen), (actual[user].Events, actual[user].FirstSeen, actual[user].LastSeen));
            Assert.Equal(activity.Accounts, actual[user].Accounts); // the last-named account last, whatever the adding order
            Assert.Equal(activity.Usage.OrderBy(u => (u.Minute, u.Feature)), actual[user].Usage.OrderBy(u => (u.Minute, u.Feature)));
        }
    }
}
