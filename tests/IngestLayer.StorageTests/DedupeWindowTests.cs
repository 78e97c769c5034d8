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
}
