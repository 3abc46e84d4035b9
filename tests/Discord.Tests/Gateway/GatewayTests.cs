using System.Text.Json;
using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;

namespace EventBot.Discord.Tests;

public sealed class GatewayTests
{
    private const int Identify = 2;
    private const int Resume = 6;
    private const int Heartbeat = 1;

    [Fact]
    public async Task HappyPath_IdentifiesWithIntentsShardPropertiesAndToken_ThenDeliversMessages()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();

        var connection = await discord.Server.WaitForSessionAsync(0);
        Assert.Equal("/gateway", connection.Path);
        Assert.Equal("?v=10&encoding=json", connection.Query);
        var identify = (await connection.WaitForOpAsync(Identify)).GetProperty("d");
        Assert.Equal(FakeDiscordServer.DefaultToken, identify.GetProperty("token").GetString());
        Assert.Equal((1 << 0) | (1 << 9) | (1 << 15) | (1 << 12), identify.GetProperty("intents").GetInt32());
        Assert.Equal([0, 1], identify.GetProperty("shard").EnumerateArray().Select(e => e.GetInt32()));
        var properties = identify.GetProperty("properties");
        Assert.Equal("linux", properties.GetProperty("os").GetString());
        Assert.Equal("EventBot", properties.GetProperty("browser").GetString());
        Assert.Equal("EventBot", properties.GetProperty("device").GetString());

        var me = await discord.Gateway.WaitUntilReadyAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);
        Assert.Equal(new DiscordUser(discord.Server.BotUserId, "eventbot", null, true), me);
        Assert.Equal(me, discord.Gateway.CurrentUser);

        await connection.DispatchMessageAsync("500000000000000005", "<@100000000000000001> remember tea = green",
            webhookId: "600000000000000006", mentions: ("100000000000000001", "eventbot"));
        await connection.DispatchMessageAsync("500000000000000007", "hello from a bot", authorId: "700000000000000007", authorIsBot: true, guildId: null);
        await Wait.UntilAsync(() => Count(discord.Messages) == 2);

        var first = discord.Messages[0];
        Assert.Equal("500000000000000005", first.Id);
        Assert.Equal("300000000000000003", first.ChannelId);
        Assert.Equal("400000000000000004", first.GuildId);
        Assert.Equal("600000000000000006", first.WebhookId);
        Assert.Equal("<@100000000000000001> remember tea = green", first.Content);
        Assert.Equal(new DiscordUser("200000000000000002", "someone", "Some One", false), first.Author);
        Assert.Equal("100000000000000001", Assert.Single(first.Mentions).Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 17, 0, 0, TimeSpan.Zero), first.Timestamp);
        var second = discord.Messages[1];
        Assert.True(second.Author.IsBot);
        Assert.Null(second.GuildId);
        Assert.Single(discord.Server.Connections);
    }

    [Fact]
    public async Task Heartbeats_FirstAfterIntervalTimesJitter_ThenEveryInterval_CarryingLastSequence()
    {
        // interval 100 s (scaled; 1 s real), jitter 0.5: first beat 50 s after Hello, then every 100 s.
        await using var discord = await TestDiscord.StartAsync(s => s.HeartbeatIntervalMs = 100_000, jitter: 0.5);
        discord.StartGateway();
        var connection = await discord.Server.WaitForSessionAsync(0);
        await connection.DispatchMessageAsync("500000000000000005", "hi");
        await Wait.UntilAsync(() => connection.HeartbeatTimes.Count >= 2);

        // What the schedule asked for, exact: jitter 0.5 → the first beat 50 s after Hello (without jitter: 100 s),
        // then every interval (a jittered delay each time: 50 s).
        var beats = discord.Time.RequestedDueTimes.Where(d => d is { TotalSeconds: 50 or 100 }).Take(2);
        Assert.Equal([TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(100)], beats);
        // What arrived: never early (the floors allow 1 s scaled, as the fake timestamps a beat when it arrives), and no
        // beat skipped (200 s). No tight ceiling: a loaded CI machine stalls the process for hundreds of real ms (x100
        // scaled: CI saw a 152 s gap and a first beat at 108 s), which the due times above are immune to.
        var times = connection.HeartbeatTimes.ToArray();
        Assert.True(times[0] - connection.HelloSentAt!.Value >= TimeSpan.FromSeconds(49), $"first beat {times[0] - connection.HelloSentAt!.Value} after Hello");
        Assert.InRange(times[1] - times[0], TimeSpan.FromSeconds(98), TimeSpan.FromSeconds(190));
        var lastBeat = connection.ReceivedOp(Heartbeat).Last().GetProperty("d");
        Assert.Equal(connection.Session!.Sequence, lastBeat.GetInt64());
    }

    [Fact]
    public async Task ServerHeartbeatRequest_IsAnsweredAtOnce()
    {
        // jitter 0.99: our own first beat would come ~99 s (scaled) after Hello, so an early beat is the answer.
        await using var discord = await TestDiscord.StartAsync(s => s.HeartbeatIntervalMs = 100_000, jitter: 0.99);
        discord.StartGateway();
        var connection = await discord.Server.WaitForSessionAsync(0);
        var before = discord.Time.GetUtcNow();
        await connection.SendOpAsync(1, null);
        await Wait.UntilAsync(() => connection.HeartbeatTimes.Count >= 1);
        // The schedule's own beat is at ~99 s; the bound sits short of it, with room for a stalled CI machine.
        Assert.True(connection.HeartbeatTimes[0] - before < TimeSpan.FromSeconds(90), "the heartbeat should answer op 1, not wait for the schedule");
    }

    [Fact]
    public async Task Cancellation_ClosesWith1000_AndRunAsyncReturnsQuietly()
    {
        await using var discord = await TestDiscord.StartAsync();
        using var stop = new CancellationTokenSource();
        var run = discord.Gateway.RunAsync((_, _) => Task.CompletedTask, stop.Token);
        var connection = await discord.Server.WaitForSessionAsync(0);

        await stop.CancelAsync();
        await run.WaitAsync(Wait.DefaultTimeout);

        await connection.Ended.WaitAsync(Wait.DefaultTimeout);
        Assert.Equal(1000, connection.ClientCloseCode);
    }

    [Fact]
    public async Task RunAsync_TwiceAtOnce_IsRefused()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        await discord.Server.WaitForSessionAsync(0);

        await Assert.ThrowsAsync<InvalidOperationException>(() => discord.Gateway.RunAsync((_, _) => Task.CompletedTask, CancellationToken.None));
        Assert.Single(discord.Server.Connections);
    }

    [Fact]
    public async Task HandlerException_IsLogged_AndLaterMessagesStillArrive()
    {
        await using var discord = await TestDiscord.StartAsync();
        var seen = new List<string>();
        using var stop = new CancellationTokenSource();
        var run = discord.Gateway.RunAsync((m, _) =>
        {
            lock (seen)
                seen.Add(m.Content);
            return m.Content == "boom" ? throw new InvalidOperationException("handler bug") : Task.CompletedTask;
        }, stop.Token);
        var connection = await discord.Server.WaitForSessionAsync(0);

        await connection.DispatchMessageAsync("500000000000000005", "boom");
        await connection.DispatchMessageAsync("500000000000000006", "fine");
        await Wait.UntilAsync(() => Count(seen) == 2);

        Assert.Contains(discord.Logs.Entries, e => e.EventId == 1011 && e.Text.Contains("handler bug", StringComparison.Ordinal));
        Assert.Single(discord.Server.Connections);
        await stop.CancelAsync();
        await run.WaitAsync(Wait.DefaultTimeout);
    }

    private static int Count<T>(List<T> list)
    {
        lock (list)
            return list.Count;
    }
}
