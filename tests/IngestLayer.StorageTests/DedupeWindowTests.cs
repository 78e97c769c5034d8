using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

public class DedupeWindowTests
{
    [Fact]
    public void a_key_is_a_duplicate_while_it_is_in_the_window_and_new_after_it_leaves()
    {
        var window = new DedupeWindow(3);
        Assert.True(window.Add(10));
        Assert.True(window.Add(20));
        Assert.False(window.Add(10));
        Assert.True(window.Add(30));
        Assert.True(window.Add(40)); // forgets 10, the oldest

        Assert.False(window.Contains(10));
        Assert.True(window.Add(10));
        Assert.False(window.Add(30));
        Assert.Equal(3, window.Count);
    }

    [Fact]
    public void zero_is_a_key_like_any_other()
    {
        var window = new DedupeWindow(4);
        Assert.True(window.Add(0));
        Assert.False(window.Add(0));
        Assert.True(window.Contains(0));
    }

    /// <summary>
    /// Keys drawn from a small range so probe runs collide and wrap around the table, checked step by step
    /// against the obvious model: a set of the last N keys added.
    /// </summary>
    [Theory]
    [InlineData(1, 7)]
    [InlineData(5, 11)]
    [InlineData(64, 13)]
    [InlineData(1000, 17)]
    public void agrees_with_a_set_of_the_last_n_keys(int capacity, int seed)
    {
        var window = new DedupeWindow(capacity);
        var order = new Queue<ulong>();
        var held = new HashSet<ulong>();
        var random = new Random(seed);
        for (var i = 0; i < 50_000; i++)
        {
            // Low bits pick the home slot: crowd them so runs form, and vary the high bits so keys differ.
            var key = (2 + (ulong)(uint)random.Next(capacity * 3)) | ((ulong)(uint)random.Next(4) << 40); // 0 and 1 are one key (see Add)
            var expectedNew = !held.Contains(key);
            Assert.Equal(expectedNew, window.Add(key));
            if (expectedNew)
            {
                if (order.Count == capacity)
                {
                    held.Remove(order.Dequeue());
                }

                order.Enqueue(key);
                held.Add(key);
            }

            if (i % 97 == 0)
            {
                foreach (var k in held)
                {
                    Assert.True(window.Contains(k));
                }
            }
        }

        Assert.Equal(held.Count, window.Count);
    }

    [Fact]
    public void a_batch_answers_for_each_key_in_order_including_repeats_within_it()
    {
        var window = new DedupeWindow(3);
        Assert.True(window.Add(10));
        var added = new bool[5];
        window.Add([10, 20, 20, 30, 40], added); // 40 forgets 10 (the oldest); 20 repeated within the batch

        Assert.Equal([false, true, false, true, true], added);
        Assert.False(window.Contains(10));
        Assert.Equal(3, window.Count);
    }

    /// <summary>
    /// Batches of every size, some longer than the window (so a batch forgets keys it added itself), checked
    /// key by key against the set of the last N keys, past the window's edge and across wrap-arounds of its ring.
    /// </summary>
    [Theory]
    [InlineData(1, 3)]
    [InlineData(7, 5)]
    [InlineData(100, 19)]
    [InlineData(1000, 23)]
    public void batches_agree_with_a_set_of_the_last_n_keys(int capacity, int seed)
    {
        var window = new DedupeWindow(capacity);
        var order = new Queue<ulong>();
        var held = new HashSet<ulong>();
        var random = new Random(seed);
        for (var added = 0; added < 20 * capacity + 2_000;)
        {
            var keys = new ulong[random.Next(1, 2 * capacity + 3)];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = (2 + (ulong)(uint)random.Next(capacity * 3)) | ((ulong)(uint)random.Next(4) << 40);
            }

            var answers = new bool[keys.Length];
            window.Add(keys, answers);
            for (var i = 0; i < keys.Length; i++)
            {
                var expectedNew = !held.Contains(keys[i]);
                Assert.Equal(expectedNew, answers[i]);
                if (expectedNew)
                {
                    if (order.Count == capacity)
                    {
                        held.Remove(order.Dequeue());
                    }

                    order.Enqueue(keys[i]);
                    held.Add(keys[i]);
                    added++;
                }
            }

            Assert.All(held, k => Assert.True(window.Contains(k)));
            Assert.Equal(held.Count, window.Count);
        }
    }
}
