using System.Text.Json;
using EventBot.Bot.Adapters.Discord;
using EventBot.Bot.Hosting;
using EventBot.Discord.Tests.Fake;
using Microsoft.Extensions.Hosting;
using static EventBot.Discord.Tests.Fake.FakeInteractions;

namespace EventBot.Bot.Tests.Adapters.Discord;

/// <summary>
/// <c>.privacy export</c> and <c>/privacy export</c> with the whole bot on the fake Discord, which parses the
/// multipart bodies as Discord does: the file read back is the user's events of this server, and nothing else.
/// </summary>
public sealed class DiscordExportEndToEndTests : IAsyncLifetime
{
    private const string Channel = "300000000000000003";
    private const string Author = "200000000000000002"; // FakeInteractions.UserId too
    private const string Other = "200000000000000077";
    private const string OtherGuild = "400000000000000099";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private FakeDiscordServer _discord = null!;
    private FakeGatewayConnection _gateway = null!;
    private IHost? _host;
    private int _message = 700;

    public async Task InitializeAsync()
    {
        _discord = await FakeDiscordServer.StartAsync();
        _discord.HeartbeatIntervalMs = 30_000;
        var builder = BotHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["EVENTBOT_DATA_DIR"] = _dataDir,
            ["DISCORD_TOKEN"] = _discord.Token,
            ["DISCORD_API_BASE_URL"] = _discord.ApiBaseUrl,
            ["EVENTBOT_RATE_LIMIT_PER_MINUTE"] = "0",
        });
        builder.Services.AddDiscordChat(builder.Configuration);
        _host = builder.Build();
        await _host.StartAsync();
        _gateway = await _discord.WaitForSessionAsync(0);
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

    private string NextId() => $"5000000000001{Interlocked.Increment(ref _message):00000}";

    /// <summary>Sends a typed command and waits for the bot's answer in <see cref="Channel"/>.</summary>
    private async Task<string> SayAsync(string content, string author = Author, string guild = GuildId)
    {
        var id = NextId();
        await _gateway.DispatchMessageAsync(id, content, authorId: author, channelId: Channel, guildId: guild);
        await Wait.UntilAsync(() => Replies(id).Any(), what: $"the answer to '{content}'");
        return Replies(id).Single();
    }

    private IEnumerable<string> Replies(string messageId) =>
        _discord.MessageRequests
            .Where(r => r.Path == $"/api/v10/channels/{Channel}/messages")
            .Select(r => JsonDocument.Parse(r.Body).RootElement)
            .Where(b => b.TryGetProperty("message_reference", out var reference) && reference.GetProperty("message_id").GetString() == messageId)
            .Select(b => b.GetProperty("content").GetString()!);

    private async Task SeedAsync()
    {
        await SayAsync(".remember wifi is hunter2");
        await SayAsync(".remember lunch is pizza", author: Other);
        await SayAsync(".remember gate is elsewhere-7788", guild: OtherGuild);
    }

    private static void AssertOnlyTheUsersEventsOfThisServer(FakeUploadedFile file)
    {
        Assert.Equal("application/json", file.ContentType);
        using var json = JsonDocument.Parse(file.Content);
        var set = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(("ValueRemembered", "hunter2", GuildId, Author),
            (set.GetProperty("type").GetString(), set.GetProperty("data").GetProperty("value").GetString(), set.GetProperty("guildId").GetString(), set.GetProperty("actorId").GetString()));
        Assert.DoesNotContain("pizza", file.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("elsewhere-7788", file.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Typed_export_goes_by_DM_as_a_multipart_file_and_the_channel_hears_only_that_it_did()
    {
        await SeedAsync();

        var answer = await SayAsync(".privacy export");

        Assert.StartsWith("📬 Sent you a DM", answer, StringComparison.Ordinal);
        var open = _discord.Requests.Single(r => r.Path == "/api/v10/users/@me/channels");
        Assert.Equal(Author, JsonDocument.Parse(open.Body).RootElement.GetProperty("recipient_id").GetString());
        var dm = _discord.MessageRequests.Single(r => r.Path == $"/api/v10/channels/{FakeDiscordServer.DmChannelOf(Author)}/messages");
        Assert.Contains("This server only", JsonDocument.Parse(dm.Body).RootElement.GetProperty("content").GetString(), StringComparison.Ordinal);
        AssertOnlyTheUsersEventsOfThisServer(Assert.Single(dm.Files));
        // Nothing personal in the channel: no file, no count.
        Assert.All(_discord.MessageRequests.Where(r => r.Path.Contains(Channel, StringComparison.Ordinal)), r => Assert.Empty(r.Files));
    }

    [Fact]
    public async Task Typed_export_to_a_user_with_closed_DMs_says_so_in_the_channel()
    {
        await SeedAsync();
        _discord.ClosedDms[Author] = true;

        var answer = await SayAsync(".privacy export");

        Assert.Contains("can't send you a DM", answer, StringComparison.Ordinal);
        Assert.Contains("/privacy export", answer, StringComparison.Ordinal);
        Assert.All(_discord.MessageRequests.Where(r => r.Path.Contains(Channel, StringComparison.Ordinal)), r => Assert.Empty(r.Files));
    }

    [Fact]
    public async Task Slash_export_is_deferred_ephemerally_then_original_is_edited_with_the_file()
    {
        await SeedAsync();
        var id = NextId();
        var interaction = Command(id, "privacy", Options(SubCommand("export")));

        await _gateway.DispatchInteractionAsync(interaction);
        await Wait.UntilAsync(() => _discord.InteractionCalls.Any(c => c.Kind == FakeInteractionCallKind.EditOriginal), what: "the edit of @original");

        var callback = _discord.Callbacks.Single(c => c.InteractionId == id).Body;
        Assert.Equal(5, callback.GetProperty("type").GetInt32());
        Assert.Equal(64, callback.GetProperty("data").GetProperty("flags").GetInt32());
        var edit = _discord.InteractionCalls.Single(c => c.Kind == FakeInteractionCallKind.EditOriginal);
        Assert.Equal(interaction["token"]!.GetValue<string>(), edit.Token);
        Assert.Equal("", edit.Authorization);
        Assert.Equal("[]", edit.Body.GetProperty("allowed_mentions").GetProperty("parse").GetRawText());
        AssertOnlyTheUsersEventsOfThisServer(Assert.Single(edit.Files));
        Assert.DoesNotContain(_discord.Requests, r => r.Path == "/api/v10/users/@me/channels");
    }
}
