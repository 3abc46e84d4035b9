using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;

namespace EventBot.Discord.Tests.Gateway;

/// <summary>GUILD_CREATE and GUILD_DELETE reach <see cref="IDiscordGateway.OnGuild"/>: removed versus an outage.</summary>
public sealed class GatewayGuildEventTests
{
    [Fact]
    public async Task Guild_events_arrive_in_order_with_messages_and_only_a_delete_without_unavailable_is_a_removal()
    {
        await using var discord = await TestDiscord.StartAsync();
        var guilds = new List<DiscordGuildEvent>();
        discord.Gateway.OnGuild = (e, _) =>
        {
            lock (discord.Messages)
            {
                guilds.Add(e);
                discord.Order.Add($"g:{e.GuildId}:{e.Change}");
            }
            return Task.CompletedTask;
        };
        discord.StartGatewayWithInteractions();
        var connection = await discord.Server.WaitForSessionAsync(0);

        await connection.DispatchGuildCreateAsync("400000000000000001");
        await connection.DispatchMessageAsync("500000000000000501", "between", guildId: "400000000000000001");
        await connection.DispatchGuildDeleteAsync("400000000000000001", unavailable: true);
        await connection.DispatchGuildDeleteAsync("400000000000000002", unavailable: null);
        await connection.DispatchGuildDeleteAsync("400000000000000003", unavailable: false);
        await connection.DispatchAsync("GUILD_DELETE", new System.Text.Json.Nodes.JsonObject { ["unavailable"] = false }); // no id: skipped
        await connection.DispatchMessageAsync("500000000000000502", "after");
        await Wait.UntilAsync(() => { lock (discord.Messages) return discord.Messages.Count == 2; }, what: "both messages");

        lock (discord.Messages)
        {
            Assert.Equal(["g:400000000000000001:Available", "m:500000000000000501", "g:400000000000000001:Unavailable",
                "g:400000000000000002:Removed", "g:400000000000000003:Removed", "m:500000000000000502"], discord.Order);
        }
        Assert.Single(discord.Logs.Entries, e => e.EventId == 1018);
        Assert.Single(discord.Server.Connections); // no reconnect for a guild event without an id
    }

    [Fact]
    public async Task Without_a_guild_handler_guild_events_are_ignored_and_messages_flow()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var connection = await discord.Server.WaitForSessionAsync(0);

        await connection.DispatchGuildDeleteAsync("400000000000000002", unavailable: null);
        await connection.DispatchMessageAsync("500000000000000511", "still here");
        await Wait.UntilAsync(() => { lock (discord.Messages) return discord.Messages.Count == 1; });

        Assert.Null(discord.Gateway.OnGuild);
        Assert.DoesNotContain(discord.Logs.Entries, e => e.EventId is 1018 or 1019);
    }

    [Fact]
    public async Task A_failing_guild_handler_is_logged_and_the_next_event_arrives()
    {
        await using var discord = await TestDiscord.StartAsync();
        var seen = new List<string>();
        discord.Gateway.OnGuild = (e, _) =>
        {
            lock (seen) seen.Add(e.GuildId);
            return e.GuildId.EndsWith('1') ? throw new InvalidOperationException("boom") : Task.CompletedTask;
        };
        discord.StartGateway();
        var connection = await discord.Server.WaitForSessionAsync(0);

        await connection.DispatchGuildDeleteAsync("400000000000000001", unavailable: null);
        await connection.DispatchGuildDeleteAsync("400000000000000002", unavailable: null);
        await Wait.UntilAsync(() => { lock (seen) return seen.Count == 2; });

        Assert.Single(discord.Logs.Entries, e => e.EventId == 1019);
        Assert.Single(discord.Server.Connections);
    }

    [Fact]
    public async Task Every_shard_hands_its_guild_events_to_the_sharded_gateways_handler()
    {
        await using var discord = await ShardedTestDiscord.StartAsync(3, s => s.MaxConcurrency = 3);
        var guilds = new List<DiscordGuildEvent>();
        discord.Gateway.OnGuild = (e, _) =>
        {
            lock (guilds) guilds.Add(e);
            return Task.CompletedTask;
        };
        discord.Start();
        await discord.WaitForSessionsAsync(0, 1, 2);

        for (var shard = 0; shard < 3; shard++)
            await discord.Server.IdentifyOf(shard).DispatchGuildDeleteAsync($"40000000000000000{shard}", unavailable: shard == 2 ? true : null);
        await Wait.UntilAsync(() => { lock (guilds) return guilds.Count >= 3; }, what: "three guild events");
        await discord.StopAsync();
        await discord.RunTask;

        Assert.Equal([("400000000000000000", DiscordGuildChange.Removed), ("400000000000000001", DiscordGuildChange.Removed),
            ("400000000000000002", DiscordGuildChange.Unavailable)], guilds.Select(g => (g.GuildId, g.Change)).Order());
    }
}
