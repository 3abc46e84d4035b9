using System.Text.Json;
using EventBot.Bot.Hosting;
using EventBot.Discord.Interactions;
using EventBot.Discord.Tests.Fake;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventBot.Bot.Tests.Adapters.Discord;

/// <summary>
/// The Discord side of slash commands with the whole bot on the fake Discord: registration at start
/// (<c>EVENTBOT_SYNC_COMMANDS</c>) and running without the MESSAGE_CONTENT intent.
/// </summary>
public sealed class DiscordSlashTransportTests : IAsyncLifetime
{
    private const string Channel = "300000000000000003";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private readonly List<IHost> _hosts = [];
    private FakeDiscordServer _discord = null!;

    private static readonly ApplicationCommand Stats = new("stats", "Bot statistics", []);
    private static readonly ApplicationCommand Remember = new("remember", "Remember, recall and forget values", [
        new(ApplicationCommandOptionType.SubCommand, "get", "Recall a value", Options: [
            new(ApplicationCommandOptionType.String, "key", "The key", Required: true, Autocomplete: true),
        ]),
    ]);

    public async Task InitializeAsync()
    {
        _discord = await FakeDiscordServer.StartAsync();
        _discord.HeartbeatIntervalMs = 30_000;
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }

        await _discord.DisposeAsync();
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    private async Task<IHost> StartBotAsync(IDictionary<string, string?> extra, IReadOnlyList<ApplicationCommand>? definitions = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["EVENTBOT_DATA_DIR"] = _dataDir,
            ["DISCORD_TOKEN"] = _discord.Token,
            ["DISCORD_API_BASE_URL"] = _discord.ApiBaseUrl,
        };
        foreach (var (k, v) in extra) environment[k] = v;
        var builder = BotHost.CreateBuilder(environment);
        if (definitions is not null)
            builder.Services.AddSingleton<IApplicationCommandSource>(new FixedDefinitions(definitions));
        builder.Services.AddDiscordChat(builder.Configuration);
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host;
    }

    private static Task SyncDone(IHost host) => host.Services.GetRequiredService<ApplicationCommandsAtStart>().Done.WaitAsync(Wait.DefaultTimeout);

    [Fact]
    public async Task Commands_register_once_a_second_start_sends_no_put_and_a_change_sends_one()
    {
        var sync = new Dictionary<string, string?> { ["EVENTBOT_SYNC_COMMANDS"] = "global" };

        var first = await StartBotAsync(sync, [Remember, Stats]);
        await SyncDone(first);
        await first.StopAsync();
        var second = await StartBotAsync(sync, [Stats, Remember]);
        await SyncDone(second);
        await second.StopAsync();
        Assert.Single(_discord.CommandPuts);
        Assert.Equal(2, _discord.CommandGets);

        var third = await StartBotAsync(sync, [Remember with { Description = "Recall values" }, Stats]);
        await SyncDone(third);

        Assert.Equal(2, _discord.CommandPuts.Count);
        Assert.Equal(["remember", "stats"], _discord.RegisteredCommands().Select(c => c!["name"]!.GetValue<string>()).Order());
        Assert.Contains(_discord.Requests, r => r.Method == "PUT" && r.Path == $"/api/v10/applications/{_discord.ApplicationId}/commands");
    }

    [Fact]
    public async Task A_guild_sync_uses_the_guild_route()
    {
        var host = await StartBotAsync(new Dictionary<string, string?> { ["EVENTBOT_SYNC_COMMANDS"] = "guild:400000000000000004" }, [Stats]);
        await SyncDone(host);

        Assert.Equal("400000000000000004", Assert.Single(_discord.CommandPuts).GuildId);
        Assert.Empty(_discord.RegisteredCommands());
    }

    [Fact]
    public async Task Sync_is_off_by_default_and_refuses_an_empty_set()
    {
        var off = await StartBotAsync(new Dictionary<string, string?>(), [Stats]);
        await SyncDone(off);
        await off.StopAsync();
        // On, but the build has no definitions (the placeholder source): registering none would delete every command.
        var empty = await StartBotAsync(new Dictionary<string, string?> { ["EVENTBOT_SYNC_COMMANDS"] = "global" });
        await SyncDone(empty);

        Assert.Equal(0, _discord.CommandGets);
        Assert.Empty(_discord.CommandPuts);
    }

    [Fact]
    public async Task Without_message_content_Identify_omits_32768_and_a_mention_command_is_still_answered()
    {
        _discord.AllowedIntents = ~FakeDiscordServer.MessageContentIntent; // the portal switch is off
        await StartBotAsync(new Dictionary<string, string?> { ["DISCORD_MESSAGE_CONTENT"] = "false" });
        var gateway = await _discord.WaitForSessionAsync(0);
        var identify = await gateway.WaitForOpAsync(2);

        // A prefix command in a server arrives without content (Discord's rule): no answer. A mention carries content.
        await gateway.DispatchMessageAsync("500000000000000601", ".remember lunch is soup", channelId: Channel);
        await gateway.DispatchMessageAsync("500000000000000602", $"<@{_discord.BotUserId}> remember lunch is pizza", channelId: Channel,
            mentions: (_discord.BotUserId, "EventBot"));
        await Wait.UntilAsync(() => _discord.MessageRequests.Any(), what: "the reply to the mention");
        await gateway.DispatchMessageAsync("500000000000000603", $"<@{_discord.BotUserId}> remember lunch", channelId: Channel,
            mentions: (_discord.BotUserId, "EventBot"));
        await Wait.UntilAsync(() => _discord.MessageRequests.Count() == 2, what: "the reply to the recall");

        Assert.Equal(0, identify.GetProperty("d").GetProperty("intents").GetInt32() & FakeDiscordServer.MessageContentIntent);
        var replies = _discord.MessageRequests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal("Remembered `lunch`: pizza", replies[0].GetProperty("content").GetString());
        Assert.Equal("`lunch` is pizza", replies[1].GetProperty("content").GetString());
        Assert.Equal("500000000000000602", replies[0].GetProperty("message_reference").GetProperty("message_id").GetString());
    }

    private sealed class FixedDefinitions(IReadOnlyList<ApplicationCommand> definitions) : IApplicationCommandSource
    {
        public IReadOnlyList<ApplicationCommand> Definitions() => definitions;
    }
}
