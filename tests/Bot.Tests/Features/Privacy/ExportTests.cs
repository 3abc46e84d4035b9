using System.IO.Compression;
using System.Text;
using System.Text.Json;
using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Privacy;
using EventBot.Domain.Common;

namespace EventBot.Bot.Tests.Features.Privacy;

/// <summary>
/// <c>.privacy export</c> from chat (docs/privacy.md): exactly the user's events of the server it came from (actor,
/// sparkle giver or receiver, player), decrypted; on Discord as a file of the reply, on the console as a file on disk.
/// </summary>
public sealed class ExportTests : IAsyncLifetime
{
    private static readonly GuildId Elsewhere = GuildId.FromName("other-server");
    private BotHarness _h = null!;
    private int _id;

    public async Task InitializeAsync() => _h = await BotHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task SeedAsync()
    {
        await _h.SayAsync(".remember wifi is hunter2", user: "alice");           // actor
        await _h.SayAsync(".sparkle @bob for the cake", user: "alice");          // giver
        await _h.SayAsync(".sparkle @alice for the tea", user: "carol");         // target
        await _h.SayAsync(".play coin heads", user: "alice");                    // player
        await _h.SayAsync(".remember lunch is pizza", user: "carol");            // someone else's
        await _h.SayAsync(".sparkle @bob for the soup", user: "carol");          // someone else's, about someone else
        await _h.SayAsync(".remember gate is elsewhere-7788", user: "alice", guild: Elsewhere); // alice, another server
        await _h.SayAsync(".sparkle @alice for elsewhere-tea", user: "bob", guild: Elsewhere);
    }

    private async Task<Reply> ExportAsync(string platform, string user = "alice", GuildId? guild = null) =>
        (await _h.Bot.HandleAsync(new ChatMessage($"x{Interlocked.Increment(ref _id)}", guild ?? BotHarness.Guild, BotHarness.User(user), ".privacy export",
            ConsoleMentions.Find(".privacy export"), platform), default))!;

    [Fact]
    public async Task On_Discord_the_reply_carries_exactly_the_users_events_of_this_server_as_a_JSON_file()
    {
        await SeedAsync();

        var reply = await ExportAsync("discord");

        var file = reply.Attachment ?? throw new Xunit.Sdk.XunitException($"no file: {reply.Text}");
        var alice = BotHarness.User("alice").Id.ToString();
        Assert.True(reply.Ephemeral);
        Assert.Equal(($"privacy-export-{alice}-{BotHarness.Guild}.json", "application/json"), (file.FileName, file.ContentType));
        Assert.Contains("4 events", reply.Text, StringComparison.Ordinal);
        Assert.Contains("This server only", reply.Text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(file.Content);
        var events = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["GamePlayed", "SparkleGiven", "SparkleGiven", "ValueRemembered"], events.Select(e => e.GetProperty("type").GetString()).Order());
        Assert.All(events, e => Assert.Equal(BotHarness.Guild.ToString(), e.GetProperty("guildId").GetString()));
        var reasons = events.Where(e => e.GetProperty("type").GetString() == "SparkleGiven").Select(e => e.GetProperty("data").GetProperty("reason").GetString()).Order();
        Assert.Equal(["the cake", "the tea"], reasons);
        Assert.Equal("hunter2", events.Single(e => e.GetProperty("type").GetString() == "ValueRemembered").GetProperty("data").GetProperty("value").GetString());
        var text = Encoding.UTF8.GetString(file.Content.Span);
        foreach (var foreign in (string[])["pizza", "the soup", "elsewhere-7788", "elsewhere-tea"])
            Assert.DoesNotContain(foreign, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_other_server_exports_only_its_own_events()
    {
        await SeedAsync();

        var reply = await ExportAsync("discord", guild: Elsewhere);

        using var json = JsonDocument.Parse(reply.Attachment!.Content);
        var events = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["SparkleGiven", "ValueRemembered"], events.Select(e => e.GetProperty("type").GetString()).Order());
        Assert.All(events, e => Assert.Equal(Elsewhere.ToString(), e.GetProperty("guildId").GetString()));
    }

    [Fact]
    public async Task A_user_with_nothing_stored_gets_an_empty_file()
    {
        await SeedAsync();

        var reply = await ExportAsync("discord", user: "dave");

        Assert.Equal("[]", Encoding.UTF8.GetString(reply.Attachment!.Content.Span));
        Assert.Contains("0 events", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_the_console_the_file_is_written_and_the_answer_is_its_path()
    {
        await SeedAsync();

        var reply = await ExportAsync("console");

        Assert.Null(reply.Attachment);
        var line = reply.Text.Split('\n')[0];
        Assert.StartsWith("4 events written to ", line, StringComparison.Ordinal);
        var path = line["4 events written to ".Length..];
        Assert.StartsWith(Path.GetFullPath(_h.DataDir), path, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        Assert.Equal(4, json.RootElement.GetArrayLength());
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void An_export_over_Discords_limit_is_gzipped_and_one_still_over_it_is_refused()
    {
        var fits = ExportMine.Handler.File("a.json", Encoding.UTF8.GetBytes("[]"));
        var json = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("""{"type":"ValueRemembered","data":{"value":"hunter2"}}""", 250_000)) + "]");
        var gzipped = ExportMine.Handler.File("a.json", json);
        var noise = new byte[ReplyAttachment.MaxBytes + 1];
        new Random(17).NextBytes(noise);

        Assert.Equal(("a.json", "application/json"), (fits!.FileName, fits.ContentType));
        Assert.True(json.Length > ReplyAttachment.MaxBytes, $"{json.Length} bytes");
        Assert.Equal(("a.json.gz", "application/gzip"), (gzipped!.FileName, gzipped.ContentType));
        Assert.True(gzipped.Content.Length <= ReplyAttachment.MaxBytes);
        using var unzip = new GZipStream(new MemoryStream(gzipped.Content.ToArray()), CompressionMode.Decompress);
        using var back = new MemoryStream();
        unzip.CopyTo(back);
        Assert.Equal(json, back.ToArray());
        Assert.Null(ExportMine.Handler.File("a.json", noise));
    }
}
