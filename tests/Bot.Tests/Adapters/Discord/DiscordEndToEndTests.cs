using System.Text.Json;
using EventBot.Bot.Adapters.Discord;
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

    private async Task StartBotAsync(IDictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["EVENTBOT_DATA_DIR"] = _dataDir,
            ["DISCORD_TOKEN"] = _discord.Token,
            ["DISCORD_API_BASE_URL"] = _discord.ApiBaseUrl,
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) environment[k] = v;
        var builder = BotHost.CreateBuilder(environment);
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
        // A game appends every time it is played (no "already" from the decider): only the message id stops a second append.
        var played = await SayAsync(first, ".play coin heads", id);

        await first.SendOpAsync(7, null);
        var second = await _discord.WaitForSessionAsync(1);
        // Discord may deliver the same MESSAGE_CREATE again after a resume.
        var replayed = await SayAsync(second, ".play coin heads", id);

        Assert.Empty(second.ReceivedOp(2));
        Assert.Single(second.ReceivedOp(6));
        Assert.DoesNotContain("handled before", played.GetProperty("content").GetString());
        Assert.Equal("Already played (this message was handled before).", replayed.GetProperty("content").GetString());
        var events = await _host.Services.GetRequiredService<IEventReader>().ReadStreamAsync(
            new StreamName(Domain.Play.PlayStream.For(Domain.Common.GuildId.Parse("400000000000000004"), Domain.Common.UserId.Parse("200000000000000002"))), 1, default);
        Assert.Single(events);
        // The same command in a new message does append: the check above could fail.
        await SayAsync(second, ".play coin heads");
        Assert.Equal(2, (await _host.Services.GetRequiredService<IEventReader>().ReadStreamAsync(
            new StreamName(Domain.Play.PlayStream.For(Domain.Common.GuildId.Parse("400000000000000004"), Domain.Common.UserId.Parse("200000000000000002"))), 1, default)).Count);
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

    private DiscordChat Chat => _host.Services.GetServices<IHostedService>().OfType<DiscordChat>().Single();

    private static string RepliedTo(FakeRecordedRequest request) =>
        JsonDocument.Parse(request.Body).RootElement.GetProperty("message_reference").GetProperty("message_id").GetString()!;

    private static string Content(FakeRecordedRequest request) => JsonDocument.Parse(request.Body).RootElement.GetProperty("content").GetString()!;

    [Fact]
    public async Task Stopping_during_a_burst_of_50_closes_the_gateway_first_and_answers_every_message_read()
    {
        await StartBotAsync(new Dictionary<string, string?> { ["EVENTBOT_SHUTDOWN_SECONDS"] = "120" });
        var gateway = await _discord.WaitForSessionAsync(0);
        // Slow replies, so that most of the burst is still queued or in flight when the stop comes.
        _discord.EnqueueRest([.. Enumerable.Repeat(new FakeRestResponse(200, "{}", Delay: TimeSpan.FromMilliseconds(100)), 10)]);
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            var id = NextId();
            ids.Add(id);
            await gateway.DispatchMessageAsync(id, $".remember burst{i} is {i}", authorId: $"2000000000000001{i:00}", channelId: Channel,
                guildId: $"40000000000000000{i % 3}");
        }
        await Wait.UntilAsync(() => Chat.Counts.Read == 50, what: "the burst read by the bot");
        Assert.True(_discord.MessageRequests.Count() < 50, "the burst was answered before the stop; nothing left to drain");

        await _host.StopAsync(); // what SIGTERM does

        Assert.Equal(1000, gateway.ClientCloseCode);
        Assert.Single(_discord.Connections);
        var replies = _discord.MessageRequests.ToList();
        Assert.Equal(ids.Order(), replies.Select(RepliedTo).Order());
        Assert.All(replies, r => Assert.StartsWith("Remembered `burst", Content(r)));
        Assert.Equal((50L, 50L, 0L), Chat.Counts);
        Assert.Equal(0, _host.Services.GetRequiredService<BotExit>().Code);
    }

    [Fact]
    public async Task A_real_SIGTERM_during_a_burst_of_50_exits_0_with_every_message_read_answered()
    {
        using var bot = ChildBot.Start(new Dictionary<string, string?>
        {
            ["EVENTBOT_DATA_DIR"] = _dataDir,
            ["DISCORD_TOKEN"] = _discord.Token,
            ["DISCORD_API_BASE_URL"] = _discord.ApiBaseUrl,
            ["EVENTBOT_SHUTDOWN_SECONDS"] = "120",
        });
        var gateway = await _discord.WaitForSessionAsync(0, TimeSpan.FromSeconds(120));
        _discord.EnqueueRest([.. Enumerable.Repeat(new FakeRestResponse(200, "{}", Delay: TimeSpan.FromMilliseconds(100)), 10)]);
        for (var i = 0; i < 50; i++)
        {
            await gateway.DispatchMessageAsync(NextId(), $".remember burst{i} is {i}", authorId: $"2000000000000001{i:00}", channelId: Channel,
                guildId: $"40000000000000000{i % 3}");
        }
        await Wait.UntilAsync(() => _discord.MessageRequests.Any(), TimeSpan.FromSeconds(60), "the first reply");

        bot.Terminate();
        var exit = await bot.WaitForExitAsync(TimeSpan.FromSeconds(180));

        Assert.True(exit == 0, bot.Errors);
        var summary = System.Text.RegularExpressions.Regex.Match(bot.Errors, @"Discord chat stopped: (\d+) command\(s\) read, (\d+) answered, 0 not");
        Assert.True(summary.Success, bot.Errors);
        var read = int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(read, 1, 50);
        Assert.Equal(read, int.Parse(summary.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(read, _discord.MessageRequests.Select(RepliedTo).Distinct().Count());
        Assert.Equal(1000, gateway.ClientCloseCode);
    }

    [Fact]
    public async Task Servers_answer_in_parallel_while_each_server_keeps_its_order()
    {
        // One author sends all seven: the rate limit is not what this test is about.
        await StartBotAsync(new Dictionary<string, string?> { ["EVENTBOT_RATE_LIMIT_PER_MINUTE"] = "0" });
        var gateway = await _discord.WaitForSessionAsync(0);
        // The first reply (server A) hangs for 5 s at Discord's end.
        _discord.EnqueueRest(new FakeRestResponse(200, "{}", Delay: TimeSpan.FromSeconds(5)));
        var slow = NextId();
        await gateway.DispatchMessageAsync(slow, ".remember a0 is 0", channelId: Channel, guildId: "400000000000000011");
        await Wait.UntilAsync(() => _discord.MessageRequests.Any(), what: "server A's reply under way");
        var ordered = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            var id = NextId();
            ordered.Add(id);
            await gateway.DispatchMessageAsync(id, $".remember a{i} is {i}", channelId: Channel, guildId: "400000000000000011");
        }
        var other = NextId();
        // Another server, so another channel (Discord's rate limits, and our REST client, queue per channel).
        await gateway.DispatchMessageAsync(other, ".remember b is 1", channelId: "300000000000000033", guildId: "400000000000000022");

        await Wait.UntilAsync(() => _discord.MessageRequests.Any(r => RepliedTo(r) == other), what: "server B's reply");
        var slowReply = _discord.MessageRequests.First(r => RepliedTo(r) == slow);
        var otherReply = _discord.MessageRequests.First(r => RepliedTo(r) == other);
        Assert.True(otherReply.ReceivedAt < slowReply.ReceivedAt + TimeSpan.FromSeconds(5), "server B waited for server A's slow reply");
        // Server A's later commands waited for its first, and kept their order.
        Assert.DoesNotContain(_discord.MessageRequests, r => ordered.Contains(RepliedTo(r)));
        await Wait.UntilAsync(() => _discord.MessageRequests.Count() == 7, TimeSpan.FromSeconds(30), "server A's other replies");
        Assert.Equal([slow, .. ordered], _discord.MessageRequests.Select(RepliedTo).Where(id => id != other));
    }

    [Fact]
    public async Task A_user_over_the_rate_limit_is_told_once_when_to_retry_and_other_users_are_not_limited()
    {
        await StartBotAsync(new Dictionary<string, string?> { ["EVENTBOT_RATE_LIMIT_BURST"] = "3", ["EVENTBOT_RATE_LIMIT_PER_MINUTE"] = "2" });
        var gateway = await _discord.WaitForSessionAsync(0);

        for (var i = 0; i < 7; i++)
            await gateway.DispatchMessageAsync(NextId(), $".remember r{i} is {i}", authorId: "200000000000000077", channelId: Channel);
        await gateway.DispatchMessageAsync(NextId(), "just chatting, not a command", authorId: "200000000000000077", channelId: Channel);
        var otherId = NextId();
        await gateway.DispatchMessageAsync(otherId, ".remember other is fine", channelId: Channel);
        await Wait.UntilAsync(() => Chat.Counts.Read == 8, what: "every command read");
        await Wait.UntilAsync(() => _discord.MessageRequests.Count() == 5, what: "three answers, one warning, the other user's answer");
        await Task.Delay(300);

        var texts = _discord.MessageRequests.Select(Content).ToList();
        Assert.Equal(5, texts.Count);
        Assert.Equal(3, texts.Count(t => t.StartsWith("Remembered `r", StringComparison.Ordinal)));
        var warning = Assert.Single(texts, t => t.Contains("Slow down", StringComparison.Ordinal));
        Assert.Matches(@"Try again in (29|30) s", warning);
        Assert.Equal("Remembered `other`: fine", Content(_discord.MessageRequests.Single(r => RepliedTo(r) == otherId)));
        Assert.Equal(4, Chat.Counts.Limited);
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
