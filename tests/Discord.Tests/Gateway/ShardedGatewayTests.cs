using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;

namespace EventBot.Discord.Tests.Gateway;

/// <summary>
/// Several shards in one process against the fake Discord, on a fake clock: identify buckets and spacing, the
/// session-start budget, per-shard resume, fatal closes and message delivery.
/// </summary>
public sealed class ShardedGatewayTests
{
    private static readonly TimeSpan Spacing = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Four_shards_with_max_concurrency_2_identify_0_and_1_together_then_2_and_3_five_seconds_later()
    {
        await using var discord = await ShardedTestDiscord.StartAsync(4, s => s.MaxConcurrency = 2);
        var start = discord.Time.GetUtcNow();
        discord.Start();

        // Shards 0 and 1 (buckets 0 and 1) go at once; 2 and 3 wait in the gate behind them.
        await Wait.UntilAsync(() => discord.Server.Identifies().Count == 2 && discord.Gateway.IdentifyGate?.Sleeping == 2, what: "two identifies and two shards waiting");
        Assert.Equal([0, 1], discord.Server.Identifies().Select(i => i.Shard).Order());
        Assert.All(discord.Server.Identifies(), i => Assert.Equal(start, i.Connection.OpenedAt));

        discord.Time.Advance(Spacing - TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, discord.Server.Identifies().Count);
        Assert.Equal(2, discord.Gate.Sleeping);

        discord.Time.Advance(TimeSpan.FromMilliseconds(1));
        await Wait.UntilAsync(() => discord.Server.Identifies().Count == 4, what: "all four identifies");

        var identifies = discord.Server.Identifies();
        Assert.Equal([0, 1, 2, 3], identifies.Select(i => i.Shard).Order());
        Assert.Equal(start + Spacing, discord.Server.IdentifyOf(2).OpenedAt);
        Assert.Equal(start + Spacing, discord.Server.IdentifyOf(3).OpenedAt);
        // The shard field of each Identify is [id, count].
        Assert.All(identifies, i => Assert.Equal((i.Shard, 4), i.Connection.IdentifiedShard()));
        await discord.WaitForSessionsAsync(0, 1, 2, 3);
        var me = await discord.Gateway.WaitUntilReadyAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);
        Assert.Equal(discord.Server.BotUserId, me.Id);
        Assert.True(discord.Gateway.Health.IsReady(out var detail), detail);
        Assert.Equal("gateway ready (shards 0-3 of 4)", detail);
    }

    [Fact]
    public async Task With_max_concurrency_1_every_shard_waits_five_seconds_after_the_one_before()
    {
        await using var discord = await ShardedTestDiscord.StartAsync(3);
        var start = discord.Time.GetUtcNow();
        discord.Start();

        for (var shard = 0; shard < 3; shard++)
        {
            var expected = shard + 1;
            await Wait.UntilAsync(() => discord.Server.Identifies().Count == expected && discord.Gateway.IdentifyGate?.Sleeping == 2 - shard, what: $"identify of shard {shard}");
            Assert.Equal(start + (Spacing * shard), discord.Server.IdentifyOf(shard).OpenedAt);
            discord.Time.Advance(Spacing);
        }
    }

    [Fact]
    public async Task An_exhausted_session_start_limit_waits_reset_after_for_every_shard_and_says_so_once()
    {
        await using var discord = await ShardedTestDiscord.StartAsync(4, s =>
        {
            s.MaxConcurrency = 4;
            s.SessionStartRemaining = 0;
            s.SessionStartResetAfterMs = 60_000;
        });
        var start = discord.Time.GetUtcNow();
        discord.Start();

        await Wait.UntilAsync(() => discord.Gateway.IdentifyGate?.Sleeping == 4, what: "all four shards waiting for the reset");
        discord.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(discord.Server.Connections);
        Assert.Equal(4, discord.Gate.Sleeping);

        discord.Time.Advance(TimeSpan.FromSeconds(1));
        await discord.WaitForSessionsAsync(0, 1, 2, 3);

        Assert.All(discord.Server.Connections, c => Assert.True(c.OpenedAt >= start + TimeSpan.FromSeconds(60), $"connected at {c.OpenedAt - start}"));
        var said = Assert.Single(discord.Logs.Entries, e => e.Text.Contains("remaining is 0", StringComparison.Ordinal));
        Assert.Contains("every shard of this process waits", said.Text);
    }

    [Fact]
    public async Task A_resumable_close_on_one_shard_resumes_that_shard_only()
    {
        await using var discord = await ShardedTestDiscord.StartAsync(4, s => s.MaxConcurrency = 4);
        discord.Start();
        await discord.WaitForSessionsAsync(0, 1, 2, 3);
        var before = discord.Server.Connections;
        var shard2 = discord.Server.IdentifyOf(2);
        var session = shard2.Session!;

        await shard2.CloseAsync(4000, "Unknown error.");
        await Wait.UntilAsync(() => discord.LogLines(1004).Any(l => l.Contains("[shard 2/4]", StringComparison.Ordinal)), what: "shard 2 reconnecting");
        // The reconnect backoff (0.75 s with jitter 0.5) sleeps on the fake clock: move it until shard 2 is back.
        await Wait.UntilAsync(() =>
        {
            discord.Time.Advance(TimeSpan.FromMilliseconds(100));
            return discord.Server.Connections.Count > 4;
        }, what: "shard 2 reconnecting");
        var resumed = await discord.Server.WaitForSessionAsync(4);

        Assert.Equal("/resume-gateway", resumed.Path);
        Assert.Same(session, resumed.Session);
        Assert.Single(resumed.ReceivedOp(6));
        Assert.Empty(resumed.ReceivedOp(2));
        Assert.Equal(5, discord.Server.Connections.Count);
        Assert.Equal(4, discord.Server.Identifies().Count); // nobody identified again
        Assert.All(before.Where(c => c != shard2), c => Assert.False(c.Ended.IsCompleted, $"connection {c.Index} ended"));
        Assert.DoesNotContain(discord.LogLines(1004), l => !l.Contains("[shard 2/4]", StringComparison.Ordinal));

        // Every shard still delivers, the resumed one included.
        foreach (var (connection, i) in before.Where(c => c != shard2).Append(resumed).Select((c, i) => (c, i)))
            await connection.DispatchMessageAsync($"70000000000000000{i}", $"after the resume {i}");
        await Wait.UntilAsync(() => discord.Messages.Count == 4, what: "four messages");
    }

    [Fact]
    public async Task A_message_on_any_shard_reaches_the_handler_exactly_once()
    {
        await using var discord = await ShardedTestDiscord.StartAsync(4, s => s.MaxConcurrency = 4);
        discord.Start();
        await discord.WaitForSessionsAsync(0, 1, 2, 3);

        for (var shard = 0; shard < 4; shard++)
        {
            // DMs (no guild_id) arrive on shard 0 only; guild messages on their guild's shard.
            await discord.Server.IdentifyOf(shard).DispatchMessageAsync($"80000000000000000{shard}", $"hello from shard {shard}", guildId: shard == 0 ? null : $"40000000000000000{shard}");
        }
        await Wait.UntilAsync(() => discord.Messages.Count >= 4, what: "four messages");
        // A duplicate could come after the four: stop the shards (which hands over everything read) before counting.
        await discord.StopAsync();
        await discord.RunTask;

        Assert.Equal(["800000000000000000", "800000000000000001", "800000000000000002", "800000000000000003"], discord.Messages.Select(m => m.Id).Order());
    }

    [Fact]
    public async Task Interactions_on_every_shard_reach_the_interaction_handler_exactly_once()
    {
        await using var discord = await ShardedTestDiscord.StartAsync(3, s => s.MaxConcurrency = 3);
        discord.StartWithInteractions();
        await discord.WaitForSessionsAsync(0, 1, 2);

        for (var shard = 0; shard < 3; shard++)
            await discord.Server.IdentifyOf(shard).DispatchInteractionAsync(FakeInteractions.Command($"70000000000000090{shard}", "stats"));
        await discord.Server.IdentifyOf(1).DispatchMessageAsync("800000000000000101", "a message beside them");
        await Wait.UntilAsync(() => discord.Interactions.Count >= 3 && discord.Messages.Count >= 1, what: "three interactions and a message");
        await discord.StopAsync();
        await discord.RunTask;

        Assert.Equal(["700000000000000900", "700000000000000901", "700000000000000902"], discord.Interactions.Select(i => i.Id).Order());
        Assert.Equal("800000000000000101", Assert.Single(discord.Messages).Id);
        Assert.Equal(FakeDiscordServer.DefaultApplicationId, discord.Gateway.ApplicationId);
    }

    [Fact]
    public async Task Auto_takes_the_shard_count_from_gateway_bot()
    {
        await using var discord = await ShardedTestDiscord.StartAsync(DiscordOptions.AutoShardCount, s =>
        {
            s.RecommendedShards = 3;
            s.MaxConcurrency = 16;
        });
        discord.Start();

        await discord.WaitForSessionsAsync(0, 1, 2);

        Assert.Equal([(0, 3), (1, 3), (2, 3)], discord.Server.Identifies().Select(i => i.Connection.IdentifiedShard()!.Value).Order());
        Assert.Contains(discord.LogLines(1021), l => l.Contains("recommends 3 shard(s)", StringComparison.Ordinal));
        Assert.Equal([0, 1, 2], discord.Gateway.Shards.Select(s => s.Id));
    }

    [Fact]
    public async Task Shards_runs_only_the_listed_shards_of_the_count()
    {
        await using var discord = await ShardedTestDiscord.StartAsync(8, s => s.MaxConcurrency = 8, o => o.Shards = "2,5-6");
        discord.Start();

        await discord.WaitForSessionsAsync(2, 5, 6);

        Assert.Equal([(2, 8), (5, 8), (6, 8)], discord.Server.Identifies().Select(i => i.Connection.IdentifiedShard()!.Value).Order());
    }

    [Fact]
    public async Task Auto_with_a_shard_list_beyond_the_count_stops_with_a_clear_reason()
    {
        await using var discord = await ShardedTestDiscord.StartAsync(DiscordOptions.AutoShardCount, s => s.RecommendedShards = 2, o => o.Shards = "0-3");
        discord.Start();

        var error = await Assert.ThrowsAsync<DiscordGatewayFatalException>(() => discord.RunTask.WaitAsync(Wait.DefaultTimeout));

        Assert.Equal(4010, error.CloseCode);
        Assert.Contains("names shard 3, but there are only 2 shard(s)", error.Message);
        Assert.Empty(discord.Server.Connections);
    }

    [Fact]
    public async Task A_fatal_close_on_one_shard_stops_every_shard_and_names_it()
    {
        await using var discord = await ShardedTestDiscord.StartAsync(2);
        discord.Start();
        await discord.WaitForSessionsAsync(0);
        var shard0 = discord.Server.IdentifyOf(0);

        discord.Server.CloseCodeOnNextIdentify = 4011;
        await Wait.UntilAsync(() => discord.Gateway.IdentifyGate?.Sleeping == 1, what: "shard 1 waiting for its turn");
        discord.Time.Advance(Spacing);
        await discord.SettleAsync(); // shard 0 closes with 1000 and waits for the answer at most CloseTimeout

        var error = await Assert.ThrowsAsync<DiscordGatewayFatalException>(() => discord.RunTask);
        Assert.Equal(4011, error.CloseCode);
        Assert.Contains("(shard 1 of 2)", error.Message);
        Assert.Contains("DISCORD_SHARD_COUNT", error.Message);
        await shard0.Ended.WaitAsync(Wait.DefaultTimeout);
        Assert.Equal(1000, shard0.ClientCloseCode);
    }
}
