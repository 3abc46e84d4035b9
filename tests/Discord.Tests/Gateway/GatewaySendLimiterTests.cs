using EventBot.Discord.Gateway;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Discord.Tests;

public sealed class GatewaySendLimiterTests
{
    [Fact]
    public void AllowsBudget_ThenMakesOthersWait_ButNeverHeartbeats()
    {
        var time = new FakeTimeProvider();
        var limiter = new GatewaySendLimiter(time);

        for (var i = 0; i < 117; i++)
            Assert.Equal(TimeSpan.Zero, limiter.TryAcquire(heartbeat: false));
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(50), limiter.TryAcquire(heartbeat: false));
        Assert.Equal(TimeSpan.Zero, limiter.TryAcquire(heartbeat: true));
        Assert.Equal(TimeSpan.Zero, limiter.TryAcquire(heartbeat: true));
        Assert.Equal(TimeSpan.Zero, limiter.TryAcquire(heartbeat: true));

        time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(TimeSpan.Zero, limiter.TryAcquire(heartbeat: false));
    }

    [Fact]
    public async Task AcquireAsync_WaitsForTheWindowToSlide()
    {
        var time = new FakeTimeProvider();
        var limiter = new GatewaySendLimiter(time, limit: 4, window: TimeSpan.FromSeconds(60), heartbeatReserve: 1);
        for (var i = 0; i < 3; i++)
            await limiter.AcquireAsync(heartbeat: false, CancellationToken.None);

        var fourth = limiter.AcquireAsync(heartbeat: false, CancellationToken.None).AsTask();
        Assert.False(fourth.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(fourth.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await fourth.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
