using System.Text.Json;
using EventBot.Bot.Hosting;
using EventBot.Discord;
using EventBot.Discord.Gateway;
using EventBot.Discord.Tests.Fake;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventBot.Bot.Tests.Adapters.Discord;

/// <summary>The whole bot running several shards in one process (DISCORD_SHARD_COUNT) against the fake Discord.</summary>
public sealed class DiscordShardingEndToEndTests : IAsyncLifetime
{
    private const string Channel = "300000000000000003";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private FakeDiscordServer _discord = null!;
    private IHost? _host;

    public async Task InitializeAsync()
    {
        _discord = await FakeDiscordServer.StartAsync();
        _discord.HeartbeatIntervalMs = 30_000;
        // Every shard in its own bucket: they identify together, with no 5 s waits on the real clock.
        _discord.MaxConcurrency = 16;
    }

    private async Task StartBotAsync(IDictionary<string, string?> sharding)
    {
        var environment = new Dictionary<string, string?>
        {
            ["EVENTBOT_DATA_DIR"] = _dataDir,
            ["DISCORD_TOKEN"] = _discord.Token,
            ["DISCORD_API_BASE_URL"] = _discord.ApiBaseUrl,
        };
        foreach (var (k, v) in sharding) environment[k] = v;
        var builder = BotHost.CreateBuilder(environment);
        builder.Services.AddDiscordChat(builder.Configuration);
        _host = builder.Build();
        await _host.StartAsync();
    }

    [Fact]
    public async Task A_message_on_every_shard_is_answered_exactly_once()
    {
        await StartBotAsync(new Dictionary<string, string?> { ["DISCORD_SHARD_COUNT"] = "3" });
        await Wait.UntilAsync(() => Enumerable.Range(0, 3).All(s => _discord.Identifies().Any(i => i.Shard == s && i.Connection.Session is not null)), what: "three shard sessions");
        Assert.IsType<ShardedDiscordGateway>(_host!.Services.GetRequiredService<IDiscordGateway>());

        for (var shard = 0; shard < 3; shard++)
        {
            await _discord.IdentifyOf(shard).DispatchMessageAsync($"50000000000000990{shard}", $".remember shard{shard} is on shard {shard}",
                channelId: Channel, guildId: $"40000000000000000{shard}");
        }
        await Wait.UntilAsync(() => _discord.MessageRequests.Count() >= 3, what: "three replies");
        await _host.StopAsync(); // everything read is answered before this returns: a second answer would be here now

        var replies = _discord.MessageRequests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(3, replies.Count);
        Assert.Equal(["500000000000009900", "500000000000009901", "500000000000009902"],
            replies.Select(r => r.GetProperty("message_reference").GetProperty("message_id").GetString()).Order());
        Assert.All(replies, r => Assert.StartsWith("Remembered `shard", r.GetProperty("content").GetString(), StringComparison.Ordinal));
        Assert.Equal([(0, 3), (1, 3), (2, 3)], _discord.Identifies().Select(i => i.Connection.IdentifiedShard()!.Value).Order());
    }

    [Fact]
    public async Task A_removal_on_any_shard_schedules_the_purge_a_guild_create_cancels_it_and_an_outage_does_nothing()
    {
        await StartBotAsync(new Dictionary<string, string?> { ["DISCORD_SHARD_COUNT"] = "2" });
        await Wait.UntilAsync(() => Enumerable.Range(0, 2).All(s => _discord.Identifies().Any(i => i.Shard == s && i.Connection.Session is not null)), what: "two shard sessions");
        var store = _host!.Services.GetRequiredService<EventBot.EventStore.IEventStore>();
        async Task<List<string>> LogOf(string guild) =>
            [.. (await store.ReadStreamAsync(new EventBot.EventStore.StreamName($"privacy/{guild}/log"), 1, default)).Select(e => e.Type)];

        await _discord.IdentifyOf(0).DispatchGuildDeleteAsync("400000000000000770", unavailable: true);
        await _discord.IdentifyOf(1).DispatchGuildDeleteAsync("400000000000000771", unavailable: null);
        await _discord.IdentifyOf(1).DispatchGuildDeleteAsync("400000000000000771", unavailable: null);
        await Wait.UntilAsync(() => LogOf("400000000000000771").Result.Count >= 1, what: "the purge scheduled");
        await _discord.IdentifyOf(1).DispatchGuildCreateAsync("400000000000000771");
        await Wait.UntilAsync(() => LogOf("400000000000000771").Result.Count >= 2, what: "the purge cancelled");
        await _host.StopAsync(); // everything read is handled before this returns

        Assert.Equal(["GuildPurgeScheduled", "GuildPurgeCancelled"], await LogOf("400000000000000771"));
        Assert.Empty(await LogOf("400000000000000770"));
    }

    [Fact]
    public async Task Auto_and_a_shard_list_run_those_shards_and_readiness_reports_them_all()
    {
        _discord.RecommendedShards = 4;
        await StartBotAsync(new Dictionary<string, string?> { ["DISCORD_SHARD_COUNT"] = "auto", ["DISCORD_SHARDS"] = "1-2" });
        await Wait.UntilAsync(() => _discord.Identifies().Count(i => i.Connection.Session is not null) == 2, what: "two shard sessions");

        await Wait.UntilAsync(() => _host!.Services.GetRequiredService<IDiscordGatewayHealth>().IsReady(out _), what: "both shards ready");
        var (ready, lines) = await _host!.Services.GetRequiredService<ReadinessProbe>().CheckAsync(default);

        Assert.True(ready, string.Join('\n', lines));
        Assert.Contains("gateway: gateway ready (shards 1-2 of 4)", lines);
        Assert.Equal([(1, 4), (2, 4)], _discord.Identifies().Select(i => i.Connection.IdentifiedShard()!.Value).Order());
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        await _discord.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
