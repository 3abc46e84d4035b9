using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;

namespace EventBot.Discord.Tests;

/// <summary>The token is sent to Discord and nowhere else: not in logs (any level), not in exception messages.</summary>
public sealed class TokenSecrecyTests
{
    [Fact]
    public async Task Token_NeverAppearsInLogsOrExceptions_AcrossFailures()
    {
        var errors = new List<Exception>();
        await using var discord = await TestDiscord.StartAsync(s =>
        {
            s.HeartbeatIntervalMs = 5_000;
            s.CloseCodeOnNextIdentify = 4004;
        });
        discord.StartGateway();
        errors.Add(await Assert.ThrowsAsync<DiscordGatewayFatalException>(() => discord.RunTask.WaitAsync(Wait.DefaultTimeout)));

        discord.Server.EnqueueRest(FakeRestResponse.RateLimited(0.1), FakeRestResponse.ServerError(), new FakeRestResponse(400, """{"message":"Invalid Form Body","code":50035}"""));
        errors.Add(await Assert.ThrowsAsync<DiscordRestException>(() => discord.Rest.SendReplyAsync("300000000000000003", "500000000000000005", "hi", null, CancellationToken.None)));
        discord.Server.EnqueueRest(FakeRestResponse.Unauthorized());
        errors.Add(await Assert.ThrowsAsync<DiscordAuthenticationException>(() => discord.Rest.GetCurrentUserAsync(CancellationToken.None)));
        errors.Add(await Assert.ThrowsAsync<DiscordAuthenticationException>(() => discord.Rest.GetCurrentUserAsync(CancellationToken.None)));

        // The check itself must be able to fail: the token did go over the wire.
        Assert.Contains(discord.Server.Requests, r => r.Authorization!.Contains(FakeDiscordServer.DefaultToken, StringComparison.Ordinal));
        Assert.NotEmpty(discord.Logs.Entries);
        Assert.DoesNotContain(FakeDiscordServer.DefaultToken, discord.Logs.AllText, StringComparison.Ordinal);
        Assert.All(errors, e => Assert.DoesNotContain(FakeDiscordServer.DefaultToken, e.ToString(), StringComparison.Ordinal));
    }
}
