using System.Text;
using System.Text.Json;
using EventBot.Bot.Tests.Cli;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Replay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Tests.Features.Privacy;

/// <summary>The operator's <c>privacy</c> verbs on SQLite: export, purge-guild, status, and bad input.</summary>
[Collection(EventBot.Testing.DynamoDbLocalFixture.Collection)]
public sealed class PrivacyCliTests : IAsyncLifetime
{
    private BotHarness _h = null!;

    public async Task InitializeAsync() =>
        _h = await BotHarness.StartAsync(configure: services => services.AddSingleton(sp => new Rebuilder(sp.GetRequiredService<IEventReader>(),
            sp.GetRequiredService<IViewStore>(), sp.GetRequiredService<EventCodec>(), sp.GetRequiredService<Generations>(),
            sp.GetRequiredService<ProjectionSignals>(), sp.GetRequiredService<ILoggerFactory>())
        { FlipSettle = TimeSpan.Zero }));

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _h.DataDir }, args);

    [Fact]
    public async Task Export_writes_exactly_the_users_events_decrypted()
    {
        await _h.SayAsync(".remember wifi is hunter2", user: "alice");
        await _h.SayAsync(".sparkle @bob for the cake", user: "alice");
        await _h.SayAsync(".sparkle @alice for the tea", user: "carol");
        await _h.SayAsync(".play coin heads", user: "bob");
        await _h.SayAsync(".remember lunch is pizza", user: "carol");

        var (exit, output, error) = await RunAsync("privacy", "export", "--user", "bob");

        Assert.True(exit == 0, error);
        var path = output.Trim();
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var events = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["SparkleGiven", "GamePlayed"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("the cake", events[0].GetProperty("data").GetProperty("reason").GetString());
        Assert.Equal("bob", events[1].GetProperty("actorName").GetString());
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Purge_guild_leaves_nothing_of_that_server_readable_and_other_servers_intact()
    {
        var other = EventBot.Domain.Common.GuildId.FromName("other-server");
        await _h.SayAsync(".remember gate is purgeme-7788", user: "alice");
        await _h.SayAsync(".sparkle @bob for purgeable-reason", user: "alice");
        await _h.SayAsync(".remember gate is keepme-1234", user: "alice", guild: other);

        var (exit, output, error) = await RunAsync("privacy", "purge-guild", "--guild", "test-server");

        Assert.True(exit == 0, error);
        Assert.StartsWith("purged server \"test-server\"", output);
        var raw = new StringBuilder();
        foreach (var file in Directory.GetFiles(_h.DataDir).Where(f => !f.EndsWith(".key", StringComparison.Ordinal)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            raw.Append(Encoding.UTF8.GetString(memory.ToArray()));
        }
        Assert.DoesNotContain("purgeme-7788", raw.ToString());
        Assert.DoesNotContain("purgeable-reason", raw.ToString());
        _h.Time.Advance(TimeSpan.FromSeconds(5)); // the rebuild ran in another process: the bot's cached generation pointers expire
        Assert.Equal("`gate` is keepme-1234", await _h.SayAsync(".remember gate", user: "alice", guild: other));
        Assert.Equal(0, (await RunAsync("replay", "--verify")).Exit);
    }

    [Fact]
    public async Task Status_counts_the_keys_and_bad_input_is_one_line_and_exit_2()
    {
        await _h.SayAsync(".remember wifi is hunter2", user: "alice");

        var (exit, output, _) = await RunAsync("privacy", "status", "--json");
        var forget = await RunAsync("privacy", "forget");
        var redact = await RunAsync("privacy", "redact", "--guild", "test-server", "--key", "wifi", "--version", "0");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.StartsWith("file:", json.RootElement.GetProperty("master").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("keys").GetProperty("guild").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("pendingPurges").GetArrayLength());
        Assert.Equal((2, "eventbot: privacy forget needs --user ID\n"), (forget.Exit, forget.Error));
        Assert.Equal(2, redact.Exit);
        Assert.Single(redact.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
