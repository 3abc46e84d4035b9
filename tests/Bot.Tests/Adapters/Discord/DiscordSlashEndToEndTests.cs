using System.Text.Json;
using System.Text.Json.Nodes;
using EventBot.Bot.Hosting;
using EventBot.Bot.Interactions;
using EventBot.Discord.Tests.Fake;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static EventBot.Discord.Tests.Fake.FakeInteractions;

namespace EventBot.Bot.Tests.Adapters.Discord;

/// <summary>
/// Issue 15's "done when", with the whole bot on the fake Discord: the real definitions register once; set then get;
/// autocomplete; a stable history page 2 from a button; a duplicated INTERACTION_CREATE appends and answers once.
/// </summary>
public sealed class DiscordSlashEndToEndTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private readonly List<IHost> _hosts = [];
    private FakeDiscordServer _discord = null!;
    private FakeGatewayConnection _gateway = null!;
    private long _next = 1_400_000_000_000_000_000;

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

    private async Task<IHost> StartBotAsync(int session)
    {
        var builder = BotHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["EVENTBOT_DATA_DIR"] = _dataDir,
            ["DISCORD_TOKEN"] = _discord.Token,
            ["DISCORD_API_BASE_URL"] = _discord.ApiBaseUrl,
            ["EVENTBOT_SYNC_COMMANDS"] = "global",
            ["EVENTBOT_RATE_LIMIT_PER_MINUTE"] = "0", // one user sends a few dozen commands here
        });
        builder.Services.AddDiscordChat(builder.Configuration);
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        _gateway = await _discord.WaitForSessionAsync(session);
        await host.Services.GetRequiredService<ApplicationCommandsAtStart>().Done.WaitAsync(Wait.DefaultTimeout);
        return host;
    }

    private string NextId() => Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Dispatches an interaction and returns the body of its callback.</summary>
    private async Task<JsonElement> AnswerAsync(JsonObject interaction)
    {
        var id = interaction["id"]!.GetValue<string>();
        await _gateway.DispatchInteractionAsync(interaction);
        await Wait.UntilAsync(() => _discord.Callbacks.Any(c => c.InteractionId == id), what: $"the callback of {id}");
        return _discord.Callbacks.Single(c => c.InteractionId == id).Body;
    }

    private Task<JsonElement> SlashAsync(string name, string sub, params JsonObject[] options) =>
        AnswerAsync(Command(NextId(), name, Options(SubCommand(sub, options))));

    private static string Content(JsonElement callback) => callback.GetProperty("data").GetProperty("content").GetString()!;

    private static string Embed(JsonElement callback) => callback.GetProperty("data").GetProperty("embeds")[0].GetProperty("description").GetString()!;

    [Fact]
    public async Task The_real_definitions_register_once_and_a_second_start_sends_no_put()
    {
        var first = await StartBotAsync(0);
        await first.StopAsync();
        await StartBotAsync(1);

        var put = Assert.Single(_discord.CommandPuts);
        Assert.True(JsonNode.DeepEquals(SlashCommands.ToJson(), put.Body));
        Assert.Equal(2, _discord.CommandGets);
    }

    [Fact]
    public async Task Set_get_autocomplete_and_a_stable_history_page_from_a_button()
    {
        await StartBotAsync(0);

        var set = await SlashAsync("remember", "set", Text("key", "meeting"), Text("value", "tomorrow"));
        var get = await SlashAsync("remember", "get", Text("key", "meeting"));
        var suggest = await AnswerAsync(Autocomplete(NextId(), "remember", Options(SubCommand("get", Text("key", "mee", focused: true)))));

        Assert.Equal(4, set.GetProperty("type").GetInt32());
        Assert.Equal("Remembered `meeting`: tomorrow", Content(set));
        Assert.Equal("`meeting` is tomorrow", Content(get));
        Assert.Equal(0, get.GetProperty("data").GetProperty("allowed_mentions").GetProperty("parse").GetArrayLength());
        Assert.Equal(8, suggest.GetProperty("type").GetInt32());
        Assert.Equal("meeting", suggest.GetProperty("data").GetProperty("choices")[0].GetProperty("value").GetString());

        for (var i = 2; i <= 12; i++) await SlashAsync("remember", "set", Text("key", "meeting"), Text("value", $"x{i}"));
        var history = await SlashAsync("remember", "history", Text("key", "meeting"));
        var next = history.GetProperty("data").GetProperty("components")[0].GetProperty("components")[1].GetProperty("custom_id").GetString()!;
        var page2 = await AnswerAsync(Button(NextId(), next));
        for (var i = 13; i <= 22; i++) await SlashAsync("remember", "set", Text("key", "meeting"), Text("value", $"x{i}"));
        var page2Again = await AnswerAsync(Button(NextId(), next));

        Assert.Equal(7, page2.GetProperty("type").GetInt32());
        Assert.Contains("v1 · ", Embed(page2), StringComparison.Ordinal);
        Assert.Equal(Embed(page2), Embed(page2Again));
    }

    [Fact]
    public async Task A_duplicated_interaction_create_appends_once_and_answers_once()
    {
        var host = await StartBotAsync(0);
        var set = Command(NextId(), "remember", Options(SubCommand("set", Text("key", "lunch"), Text("value", "soup"))));
        var id = set["id"]!.GetValue<string>();

        await _gateway.DispatchInteractionAsync(set);
        await _gateway.DispatchInteractionAsync((JsonObject)set.DeepClone());
        await Wait.UntilAsync(() => _discord.Callbacks.Any(c => c.InteractionId == id), what: "the callback");
        await SlashAsync("remember", "get", Text("key", "lunch")); // answered after both deliveries were read

        Assert.Single(_discord.Callbacks, c => c.InteractionId == id);
        var events = await host.Services.GetRequiredService<IEventReader>().ReadStreamAsync(
            new StreamName(RememberStream.For(Domain.Common.GuildId.Parse(FakeInteractions.GuildId), MemoryKey.Parse("lunch"))), 1, default);
        Assert.Equal($"discord:{id}", Assert.Single(events).Source);
    }
}
