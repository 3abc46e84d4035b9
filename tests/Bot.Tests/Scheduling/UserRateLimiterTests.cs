using EventBot.Bot.Chat;
using EventBot.Domain.Common;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Bot.Tests.Scheduling;

public sealed class UserRateLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 6, 0, 0, TimeSpan.Zero));
    private static readonly UserId Alice = UserId.FromName("alice");
    private static readonly UserId Bob = UserId.FromName("bob");

    [Fact]
    public void A_burst_passes_then_the_first_limited_command_is_told_when_to_retry_and_the_rest_are_not()
    {
        var limiter = new UserRateLimiter(burst: 3, perMinute: 6, _time);

        var decisions = Enumerable.Range(0, 6).Select(_ => limiter.Take(Alice)).ToList();

        Assert.All(decisions.Take(3), d => Assert.IsType<RateDecision.Allow>(d));
        var first = Assert.IsType<RateDecision.Limited>(decisions[3]);
        Assert.True(first.Tell);
        Assert.Equal(TimeSpan.FromSeconds(10), first.RetryAfter);
        Assert.All(decisions.Skip(4), d => Assert.False(Assert.IsType<RateDecision.Limited>(d).Tell));
        Assert.IsType<RateDecision.Allow>(limiter.Take(Bob));
    }

    [Fact]
    public void Tokens_come_back_at_the_configured_rate_and_a_new_burst_is_told_again()
    {
        var limiter = new UserRateLimiter(burst: 2, perMinute: 6, _time);
        limiter.Take(Alice);
        limiter.Take(Alice);
        Assert.True(Assert.IsType<RateDecision.Limited>(limiter.Take(Alice)).Tell);

        _time.Advance(TimeSpan.FromSeconds(9));
        var early = Assert.IsType<RateDecision.Limited>(limiter.Take(Alice));
        Assert.False(early.Tell);
        Assert.InRange(early.RetryAfter, TimeSpan.FromMilliseconds(999), TimeSpan.FromMilliseconds(1001));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.IsType<RateDecision.Allow>(limiter.Take(Alice));
        Assert.True(Assert.IsType<RateDecision.Limited>(limiter.Take(Alice)).Tell);

        _time.Advance(TimeSpan.FromMinutes(10)); // refills to the burst, never beyond
        Assert.IsType<RateDecision.Allow>(limiter.Take(Alice));
        Assert.IsType<RateDecision.Allow>(limiter.Take(Alice));
        Assert.IsType<RateDecision.Limited>(limiter.Take(Alice));
    }

    [Fact]
    public void Zero_per_minute_turns_the_limit_off()
    {
        var limiter = new UserRateLimiter(burst: 1, perMinute: 0, _time);

        Assert.All(Enumerable.Range(0, 100).Select(_ => limiter.Take(Alice)), d => Assert.IsType<RateDecision.Allow>(d));
    }
}
