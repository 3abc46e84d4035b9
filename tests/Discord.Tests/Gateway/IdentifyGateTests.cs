using EventBot.Discord.Gateway;
using EventBot.Discord.Rest;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Discord.Tests;

public sealed class IdentifyGateTests
{
    [Fact]
    public async Task SecondIdentify_WaitsFiveSeconds()
    {
        var time = new FakeTimeProvider();
        var gate = new IdentifyGate(time);
        var limit = new DiscordSessionStartLimit(1000, 999, TimeSpan.Zero, 1);
        await gate.WaitAsync(limit, (_, _) => { }, CancellationToken.None);

        var second = gate.WaitAsync(limit, (_, _) => { }, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
