using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Snapshooter;
using Snapshooter.Xunit;

namespace EventBot.Bot.Tests.Features.Sparkle;

public sealed class SparkleSliceTests : IAsyncLifetime
{
    private GamesHost _bot = null!;

    public async Task InitializeAsync() => _bot = await GamesHost.StartAsync();

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    [Fact]
    public async Task The_first_sparkle_says_so_and_the_next_shows_the_new_total()
    {
        Assert.Equal("✨ alice sparkled bob for “the review”: first sparkle! 🎉", await _bot.TextAsync("alice", ".sparkle @bob for the review"));
        Assert.Equal("✨ carol sparkled bob: bob now has 2 sparkles.", await _bot.TextAsync("carol", ".sparkle @bob"));
        Assert.Equal("✨ dave sparkled bob for “lunch”: bob now has 3 sparkles.", await _bot.TextAsync("dave", ".sparkle @bob because lunch"));
    }

    [Fact]
    public async Task Sparkling_yourself_is_refused_and_nothing_is_stored()
    {
        Assert.Equal("⚠️ You can't sparkle yourself", await _bot.TextAsync("alice", ".sparkle @alice"));
        Assert.StartsWith("alice has no sparkles yet", await _bot.TextAsync("alice", ".show sparkles"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sparkling_a_bot_is_refused()
    {
        Assert.Equal("⚠️ EventBot is a bot: sparkles are for people", await _bot.TextAsync("alice", ".sparkle @EventBot thanks"));
    }

    [Theory]
    [InlineData(".sparkle", "Who gets the sparkle?")]
    [InlineData(".sparkle bob", "Mention who gets the sparkle.")]
    [InlineData(".sparkle <@12345> for nothing", "I don't know `<@12345>` here")]
    [InlineData(".sparkle @bob @carol", "One person per sparkle.")]
    [InlineData(".sparkle @bob for", "Say why after `for`")]
    public async Task Missing_or_unknown_users_get_the_usage(string text, string expected)
    {
        var reply = await _bot.TextAsync("alice", text);
        Assert.Contains(expected, reply, StringComparison.Ordinal);
        Assert.Contains("Usage: `.sparkle @user [for <reason>]`", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_sparkle_to_the_same_person_waits_for_the_cooldown_59_seconds_is_too_soon_60_is_fine()
    {
        await _bot.TextAsync("alice", ".sparkle @bob");
        _bot.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("⚠️ You sparkled bob recently: wait 1 s", await _bot.TextAsync("alice", ".sparkle @bob"));
        Assert.Equal("✨ carol sparkled bob: bob now has 2 sparkles.", await _bot.TextAsync("carol", ".sparkle @bob")); // per giver
        _bot.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("✨ alice sparkled bob: bob now has 3 sparkles.", await _bot.TextAsync("alice", ".sparkle @bob"));
    }

    [Fact]
    public async Task A_reason_over_100_characters_is_refused_and_100_is_fine()
    {
        var reply = await _bot.TextAsync("alice", $".sparkle @bob for {new string('x', 101)}");
        Assert.StartsWith("⚠️ The reason is longer than 100 characters (101).", reply, StringComparison.Ordinal);
        Assert.StartsWith("✨ alice sparkled bob", await _bot.TextAsync("alice", $".sparkle @bob for {new string('x', 100)}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_sparkles_lists_total_rank_and_latest_reasons()
    {
        await _bot.TextAsync("alice", ".sparkle @bob for the review");
        _bot.Time.Advance(TimeSpan.FromMinutes(5));
        await _bot.TextAsync("carol", ".sparkle @bob");
        await _bot.TextAsync("alice", ".sparkle @carol for the cake");
        await _bot.TextAsync("dave", ".sparkle @carol");
        _bot.Time.Advance(TimeSpan.FromHours(1));
        await _bot.TextAsync("erin", ".sparkle @carol because she fixed the build");

        var carol = await _bot.SayAsync("bob", ".show sparkles @carol");
        var own = await _bot.TextAsync("bob", ".show sparkles");

        Assert.StartsWith("✨ carol: 3 sparkles — rank #1 of 2 in this server", carol.Text, StringComparison.Ordinal);
        Assert.StartsWith("✨ bob: 2 sparkles — rank #2 of 2 in this server", own, StringComparison.Ordinal);
        Assert.NotNull(carol.Embed);
        Snapshot.Match(carol.Text, SnapshotNameExtension.Create("carol"));
        Snapshot.Match(own, SnapshotNameExtension.Create("own"));
    }

    [Fact]
    public async Task The_cooldown_is_configurable()
    {
        await using var noCooldown = await GamesHost.StartAsync(new Dictionary<string, string?> { ["EVENTBOT_SPARKLE_COOLDOWN_SECONDS"] = "0" });
        await noCooldown.TextAsync("alice", ".sparkle @bob");
        Assert.Equal("✨ alice sparkled bob: bob now has 2 sparkles.", await noCooldown.TextAsync("alice", ".sparkle @bob"));
    }

    [Fact]
    public async Task When_the_projector_lags_the_write_replies_at_once_and_the_next_read_says_catching_up_until_the_rows_follow()
    {
        var dir = GamesHost.NewDataDir();
        var builder = GamesHost.Builder(dir, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(GamesHost.Start), new ScriptedRandom(),
            new Dictionary<string, string?> { ["EVENTBOT_READ_YOUR_WRITES_MS"] = "0" });
        using var host = builder.Build(); // not started: the SQLite tail is not running yet
        var bot = host.Services.GetRequiredService<Chat.ChatBot>();
        Chat.ChatMessage From(string user, string text, string id) =>
            new(id, GamesHost.Guild, new Chat.ChatUser(Domain.Common.UserId.FromName(user), user), text, EventBot.Bot.Adapters.Console.ConsoleMentions.Find(text));

        var reply = await bot.HandleAsync(From("alice", ".sparkle @bob", "1"), default);
        Assert.Equal("✨ alice sparkled bob: first sparkle! 🎉", reply!.Text);
        var early = (await bot.HandleAsync(From("bob", ".show sparkles", "3"), default))!.Text;
        Assert.EndsWith("\n" + EventBot.Bot.Pipeline.ReadYourWritesBehaviour<EventBot.Bot.Features.Sparkle.ShowSparkles.Query, Chat.Reply>.CatchingUp, early, StringComparison.Ordinal);

        await host.Services.GetRequiredService<Projections.Feeds.SqliteTail>().CatchUpAsync(default);
        Assert.StartsWith("✨ bob: 1 sparkle — rank #1 of 1", (await bot.HandleAsync(From("bob", ".show sparkles", "2"), default))!.Text, StringComparison.Ordinal);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("86401")]
    public void A_cooldown_outside_0_to_86400_seconds_stops_the_host_at_start(string seconds)
    {
        var error = Assert.Throws<EventBot.Bot.Hosting.InvalidSettingException>(() => GamesHost.Builder(GamesHost.NewDataDir(), TimeProvider.System, new ScriptedRandom(),
            new Dictionary<string, string?> { ["EVENTBOT_SPARKLE_COOLDOWN_SECONDS"] = seconds }));
        Assert.Equal($"EVENTBOT_SPARKLE_COOLDOWN_SECONDS=\"{seconds}\" is out of range; allowed: a whole number from 0 to 86,400 (seconds; 0 turns the cooldown off)", error.Message);
    }
}
