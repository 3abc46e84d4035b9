using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;

namespace EventBot.Discord.Tests;

public sealed class GatewayFatalTests
{
    [Fact]
    public async Task AuthenticationFailed4004_StopsWithClearReason_AndNeverReconnects()
    {
        // A token revoked between GET /gateway/bot and identify: the gateway closes 4004.
        await using var discord = await TestDiscord.StartAsync(s => s.CloseCodeOnNextIdentify = 4004);
        discord.StartGateway();

        var error = await Assert.ThrowsAsync<DiscordGatewayFatalException>(() => discord.RunTask.WaitAsync(Wait.DefaultTimeout));

        Assert.Equal(4004, error.CloseCode);
        Assert.Contains("Authentication failed", error.Message);
        Assert.Contains("token", error.Message);
        await Task.Delay(100);
        Assert.Single(discord.Server.Connections);
        Assert.Contains(discord.Logs.Entries, e => e.EventId == 1007);
    }

    [Fact]
    public async Task WrongToken_FailsAtGatewayBotWith401_BeforeAnyConnection()
    {
        await using var discord = await TestDiscord.StartAsync(s => s.Token = "rotated-token");
        discord.StartGateway();

        // /gateway/bot answers 401 for the old token, which is just as fatal and as clear.
        var error = await Assert.ThrowsAsync<DiscordAuthenticationException>(() => discord.RunTask.WaitAsync(Wait.DefaultTimeout));
        Assert.Contains("401", error.Message);
        Assert.Empty(discord.Server.Connections);
    }

    [Fact]
    public async Task DisallowedIntents4014_StopsWithDeveloperPortalHint()
    {
        const int messageContent = 1 << 15;
        await using var discord = await TestDiscord.StartAsync(s => s.AllowedIntents = ~messageContent);
        discord.StartGateway();

        var error = await Assert.ThrowsAsync<DiscordGatewayFatalException>(() => discord.RunTask.WaitAsync(Wait.DefaultTimeout));

        Assert.Equal(4014, error.CloseCode);
        Assert.Contains("Disallowed intents", error.Message);
        Assert.Contains("MESSAGE_CONTENT", error.Message);
        Assert.Contains("Developer Portal", error.Message);
        Assert.Single(discord.Server.Connections);
    }

    [Theory]
    [InlineData(4010)]
    [InlineData(4011)]
    [InlineData(4012)]
    [InlineData(4013)]
    public async Task OtherNoReconnectCodes_Stop(int code)
    {
        await using var discord = await TestDiscord.StartAsync(s => s.CloseCodeOnNextIdentify = code);
        discord.StartGateway();

        var error = await Assert.ThrowsAsync<DiscordGatewayFatalException>(() => discord.RunTask.WaitAsync(Wait.DefaultTimeout));

        Assert.Equal(code, error.CloseCode);
        Assert.Single(discord.Server.Connections);
    }

    [Fact]
    public async Task EmptyContent_IsLoggedOnce_WithTheDeveloperPortalHint()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var connection = await discord.Server.WaitForSessionAsync(0);

        await connection.DispatchMessageAsync("500000000000000005", "");
        await connection.DispatchMessageAsync("500000000000000006", "");
        await Wait.UntilAsync(() => Count(discord.Messages) == 2);

        var warning = Assert.Single(discord.Logs.Entries, e => e.EventId == 1010);
        Assert.Contains("MESSAGE_CONTENT", warning.Text);
        Assert.Contains("Developer Portal", warning.Text);
    }

    [Fact]
    public async Task SessionStartLimitExhausted_WaitsResetAfter_BeforeIdentifying()
    {
        await using var discord = await TestDiscord.StartAsync(s =>
        {
            s.SessionStartRemaining = 0;
            s.SessionStartResetAfterMs = 8_000;
        });
        var start = discord.Time.GetUtcNow();
        discord.StartGateway();

        var connection = await discord.Server.WaitForSessionAsync(0);

        Assert.True(connection.OpenedAt - start >= TimeSpan.FromSeconds(7.8), $"identified after only {connection.OpenedAt - start}");
        Assert.Contains(discord.Logs.Entries, e => e.EventId == 1009 && e.Text.Contains("remaining is 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectFailures_BackOffExponentially()
    {
        // /gateway/bot points at a port nobody listens on: every connect fails.
        await using var discord = await TestDiscord.StartAsync(configureOptions: o => o.ReconnectInitialDelay = TimeSpan.FromSeconds(2));
        discord.Server.GatewayBotOverride = new FakeRestResponse(200,
            """{"url":"ws://127.0.0.1:9/gateway","shards":1,"session_start_limit":{"total":1000,"remaining":999,"reset_after":0,"max_concurrency":1}}""");
        discord.StartGateway();

        await Wait.UntilAsync(() => discord.Server.Requests.Count >= 4);

        // jitter 0.5 gives 75 % of 2, 4, 8 s; identify spacing (5 s) is the floor for the first two.
        var times = discord.Server.Requests.Select(r => r.ReceivedAt).ToArray();
        Assert.True(times[3] - times[2] >= TimeSpan.FromSeconds(5.8), $"third retry after only {times[3] - times[2]}");
        Assert.Contains(discord.Logs.Entries, e => e.EventId == 1008);
    }

    private static int Count<T>(List<T> list)
    {
        lock (list)
            return list.Count;
    }
}
