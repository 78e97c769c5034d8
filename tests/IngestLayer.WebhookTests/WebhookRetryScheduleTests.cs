using IngestLayer.Webhooks;

namespace IngestLayer.WebhookTests;

public sealed class WebhookRetryScheduleTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 5 * 60)]
    [InlineData(3, 30 * 60)]
    [InlineData(4, 2 * 3600)]
    [InlineData(5, 5 * 3600)]
    [InlineData(6, 10 * 3600)]
    [InlineData(7, 10 * 3600)]
    public void each_delay_is_the_standard_webhooks_step_give_or_take_20_percent(int attempt, int seconds)
    {
        var random = new Random(attempt);
        for (var i = 0; i < 200; i++)
        {
            var delay = WebhookRetrySchedule.NextDelay(attempt, random: random);

            Assert.NotNull(delay);
            Assert.InRange(delay.Value, TimeSpan.FromSeconds(seconds * 0.8), TimeSpan.FromSeconds(seconds * 1.2));
        }
    }

    [Fact]
    public void the_jitter_spreads_delays_instead_of_repeating_one()
    {
        var random = new Random(7);

        var delays = Enumerable.Range(0, 50).Select(_ => WebhookRetrySchedule.NextDelay(3, random: random)!.Value).ToList();

        Assert.True(delays.Distinct().Count() > 40, $"Only {delays.Distinct().Count()} distinct delays.");
        Assert.Contains(delays, d => d < TimeSpan.FromMinutes(28));
        Assert.Contains(delays, d => d > TimeSpan.FromMinutes(32));
    }

    [Fact]
    public void after_the_eighth_attempt_it_gives_up()
    {
        Assert.NotNull(WebhookRetrySchedule.NextDelay(7));
        Assert.Null(WebhookRetrySchedule.NextDelay(8));
        Assert.Null(WebhookRetrySchedule.NextDelay(100));
    }

    [Fact]
    public void with_more_attempts_allowed_the_last_step_repeats()
    {
        var delay = WebhookRetrySchedule.NextDelay(12, maxAttempts: 20, random: new Random(1));

        Assert.InRange(delay!.Value, TimeSpan.FromHours(8), TimeSpan.FromHours(12));
        Assert.Null(WebhookRetrySchedule.NextDelay(20, maxAttempts: 20));
    }

    [Fact]
    public void a_longer_retry_after_wins_and_a_shorter_one_does_not_bring_the_retry_forward()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), WebhookRetrySchedule.NextDelay(1, retryAfter: TimeSpan.FromMinutes(10)));
        Assert.InRange(WebhookRetrySchedule.NextDelay(3, retryAfter: TimeSpan.FromSeconds(1))!.Value, TimeSpan.FromMinutes(24), TimeSpan.FromMinutes(36));
    }

    [Fact]
    public void attempts_count_from_one() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookRetrySchedule.NextDelay(0));
}
