using System.Net;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using EventBot.EventStore.Faults;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.EventStore.Tests.Faults;

public sealed class TransientRetryTests
{
    private readonly FakeTimeProvider _time = new();

    private static AmazonDynamoDBException Throttle() => new("slow down", ErrorType.Sender, "ThrottlingException", "r", HttpStatusCode.BadRequest);

    [Fact]
    public async Task A_transient_failure_is_retried_with_capped_jittered_backoff_on_the_injected_clock()
    {
        var delays = new List<TimeSpan>();
        var policy = new TransientRetry(new RetrySettings(MaxRetries: 5, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)), _time, new Random(3))
        {
            OnRetry = (_, _, delay, _) => delays.Add(delay),
        };
        var calls = 0;
        var run = policy.RunAsync("op", _ => ++calls < 4 ? throw Throttle() : Task.FromResult("done"), default);

        // Nothing moves until the fake clock does: the backoff waits on the TimeProvider, not on the wall clock.
        while (!run.IsCompleted)
        {
            await Task.Yield();
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal("done", await run);
        Assert.Equal(4, calls);
        Assert.Equal(3, policy.Retries);
        Assert.Equal(3, delays.Count);
        Assert.All(delays.Select((d, i) => (d, i)), x => Assert.InRange(x.d, TimeSpan.Zero, TimeSpan.FromMilliseconds(Math.Min(300, 100 << x.i))));
    }

    [Fact]
    public async Task After_the_budget_the_last_transient_failure_reaches_the_caller()
    {
        var policy = new TransientRetry(new RetrySettings(MaxRetries: 2, TimeSpan.Zero, TimeSpan.Zero), _time);
        var calls = 0;
        var error = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => policy.RunAsync<int>("op", _ => { calls++; throw Throttle(); }, default));
        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_deterministic_failure_is_never_retried()
    {
        var policy = new TransientRetry(new RetrySettings(MaxRetries: 5, TimeSpan.Zero, TimeSpan.Zero), _time);
        var calls = 0;
        await Assert.ThrowsAsync<EventDecodeException>(() => policy.RunAsync<int>("op", _ => { calls++; throw new EventDecodeException("bad"); }, default));
        Assert.Equal(1, calls);
        Assert.Equal(0, policy.Retries);
    }

    [Fact]
    public async Task A_batch_outcome_backs_off_until_the_budget_is_spent()
    {
        var policy = new TransientRetry(new RetrySettings(MaxRetries: 2, TimeSpan.Zero, TimeSpan.Zero), _time);
        Assert.True(await policy.TryBackoffAsync("batch", 0, Throttle(), default));
        Assert.True(await policy.TryBackoffAsync("batch", 1, Throttle(), default));
        Assert.False(await policy.TryBackoffAsync("batch", 2, Throttle(), default));
        Assert.False(await policy.TryBackoffAsync("batch", 0, new EventDecodeException("bad"), default));
    }
}
