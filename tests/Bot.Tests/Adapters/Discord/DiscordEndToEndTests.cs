using System.Text.Json;
using EventBot.Bot.Hosting;
using EventBot.Discord.Tests.Fake;
using EventBot.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventBot.Bot.Tests.Adapters.Discord;

/// <summary>The whole bot against a protocol-faithful fake Discord, reached through DISCORD_API_BASE_URL.</summary>
public sealed class DiscordEndToEndTests : IAsyncLifetime
{
    private const string Channel = "300000000000000003";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private FakeDiscordServer _discord = null!;
    private IHost _host = null!;
    private int _message = 500;

    public async Task InitializeAsync()
    {
        _discord = await FakeDiscordServer.StartAsync();
        _discord.HeartbeatIntervalMs = 30_000;
    }

    private async Task StartBotAsync()
    {
        var builder = BotHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["EVENTBOT_DATA_DIR"] = _dataDir,
            ["DISCORD_TOKEN"] = _discord.Token,
            ["DISCORD_API_BASE_URL"] = _discord.ApiBaseUrl,
        });
        Assert.True(BotHost.UsesDiscord(builder.Configuration));
        builder.Services.AddDiscordChat(builder.Configuration);
        _host = builder.Build();
        await _host.StartAsync();
    }

    private string NextId() => $"5000000000000{Interlocked.Increment(ref _message):00000}";

    private async Task<JsonElement> SayAsync(FakeGatewayConnection connection, string content, string? id = null, params (string Id, string Name)[] mentions)
    {
        var before = _discord.MessageRequests.Count();
        await connection.DispatchMessageAsync(id ?? NextId(), content, channelId: Channel, mentions: mentions);
        await Wait.UntilAsync(() => _discord.MessageRequests.Count() > before, what: $"a reply to '{content}'");
        return JsonDocument.Parse(_discord.MessageRequests.Last().Body).RootElement;
    }

    [Fact]
    public async Task Identifies_then_answers_set_and_recall_as_replies_that_never_ping()
    {
        await StartBotAsync();
        var gateway = await _discord.WaitForSessionAsync(0);

        var identify = await gateway.WaitForOpAsync(2);
        var set = await SayAsync(gateway, ".remember meeting is tomorrow");
        var recall = await SayAsync(gateway, ".remember meeting");

        Assert.Equal(_discord.Token, identify.GetProperty("d").GetProperty("token").GetString());
        Assert.Equal("Remembered `meeting`: tomorrow", set.GetProperty("content").GetString());
        Assert.Equal("`meeting` is tomorrow", recall.GetProperty("content").GetString());
        Assert.Equal(0, recall.GetProperty("allowed_mentions").GetProperty("parse").GetArrayLength());
        Assert.Equal(Channel, _discord.MessageRequests.Last().Path.Split('/')[^2]);
        Assert.True(recall.GetProperty("message_reference").TryGetProperty("message_id", out _));
        Assert.StartsWith("Bot ", _discord.MessageRequests.Last().Authorization);
    }

    [Fact]
    public async Task A_stored_everyone_is_recalled_with_parse_empty()
    {
        await StartBotAsync();
        var gateway = await _discord.WaitForSessionAsync(0);

        await SayAsync(gateway, ".remember alarm is @everyone wake up <@&123456789012345678>");
        var recall = await SayAsync(gateway, ".remember alarm");

        Assert.Contains("@everyone", recall.GetProperty("content").GetString());
        Assert.Equal("[]", recall.GetProperty("allowed_mentions").GetProperty("parse").GetRawText());
    }

    [Fact]
    public async Task A_mention_of_the_bot_works_as_the_prefix_and_bots_and_webhooks_are_ignored()
    {
        await StartBotAsync();
        var gateway = await _discord.WaitForSessionAsync(0);

        var viaMention = await SayAsync(gateway, $"<@{_discord.BotUserId}> remember lunch is pizza", mentions: (_discord.BotUserId, "EventBot"));
        await gateway.DispatchMessageAsync(NextId(), ".remember lunch is bot-food", authorIsBot: true, channelId: Channel);
        await gateway.DispatchMessageAsync(NextId(), ".remember lunch is hook-food", webhookId: "700000000000000007", channelId: Channel);
        var recall = await SayAsync(gateway, ".remember lunch");

        Assert.Equal("Remembered `lunch`: pizza", viaMention.GetProperty("content").GetString());
        Assert.Equal("`lunch` is pizza", recall.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Server_commands_in_a_dm_say_to_use_a_server()
    {
        await StartBotAsync();
        var gateway = await _discord.WaitForSessionAsync(0);

        var before = _discord.MessageRequests.Count();
        await gateway.DispatchMessageAsync(NextId(), ".remember k is v", channelId: Channel, guildId: null);
        await Wait.UntilAsync(() => _discord.MessageRequests.Count() > before);

        Assert.StartsWith("Use this in a server", JsonDocument.Parse(_discord.MessageRequests.Last().Body).RootElement.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Op7_resumes_without_identifying_and_a_replayed_message_appends_once()
    {
        await StartBotAsync();
        var first = await _discord.WaitForSessionAsync(0);
        var id = NextId();
        await SayAsync(first, ".remember k is v1", id);

        await first.SendOpAsync(7, null);
        var second = await _discord.WaitForSessionAsync(1);
        // Discord may deliver the same MESSAGE_CREATE again after a resume.
        var replayed = await SayAsync(second, ".remember k is v1", id);

        Assert.Empty(second.ReceivedOp(2));
        Assert.Single(second.ReceivedOp(6));
        Assert.StartsWith("`k` is already v1", replayed.GetProperty("content").GetString());
        var events = await _host.Services.GetRequiredService<IEventReader>().ReadStreamAsync(
            new StreamName(Domain.Remember.RememberStream.For(Domain.Common.GuildId.Parse("400000000000000004"), Domain.Remember.MemoryKey.Parse("k"))), 1, default);
        Assert.Single(events);
    }

    [Fact]
    public async Task A_429_is_retried_once_after_retry_after()
    {
        await StartBotAsync();
        var gateway = await _discord.WaitForSessionAsync(0);
        _discord.EnqueueRest(FakeRestResponse.RateLimited(0.2));

        var before = _discord.MessageRequests.Count();
        await gateway.DispatchMessageAsync(NextId(), ".remember k is v", channelId: Channel);
        await Wait.UntilAsync(() => _discord.MessageRequests.Count() >= before + 2);
        await Task.Delay(300);

        var attempts = _discord.MessageRequests.Skip(before).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[1].ReceivedAt - attempts[0].ReceivedAt >= TimeSpan.FromMilliseconds(190));
    }

    [Fact]
    public async Task Close_4004_stops_the_bot_with_a_clear_reason()
    {
        _discord.CloseCodeOnNextIdentify = 4004;
        await StartBotAsync();

        await _host.WaitForShutdownAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);

        var exit = _host.Services.GetRequiredService<BotExit>();
        Assert.Equal(2, exit.Code);
        Assert.Contains("Authentication failed", exit.Reason);
        Assert.Single(_discord.Connections);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        await _discord.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}
