using System.Text;
using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Bot.Tests.Adapters.Console;

/// <summary>
/// End to end through the console adapter: one data folder, one server, and a host per user run one after the other
/// (as people would with EVENTBOT_CONSOLE_USER), with the clock moving from Sunday night into Monday and December.
/// </summary>
public sealed class GamesConsoleSessionTests : IDisposable
{
    private readonly string _dir = GamesHost.NewDataDir();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 23, 0, 0, TimeSpan.Zero)); // Sunday, 2026-W48
    private readonly ScriptedRandom _random = new();

    [Fact]
    public async Task Several_users_sparkle_play_and_read_totals_ranks_and_windows()
    {
        _random.Enqueue(2, 0, 2); // alice: rps vs scissors (win), coin heads (win); bob: paper vs scissors (loss)
        // bob and carol have used the bot in this data dir before, so they can be mentioned.
        await SessionAsync("bob");
        await SessionAsync("carol");
        var alice = await SessionAsync("alice", ".sparkle @bob for the demo", ".sparkle @carol", ".play rps rock", ".play coin heads");
        Assert.Contains("✨ alice sparkled bob for “the demo”: first sparkle! 🎉", alice, StringComparison.Ordinal);
        Assert.Contains("rps: 1 W · 0 L · 0 D · streak 1 (best 1)", alice, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromMinutes(30));
        var bob = await SessionAsync("bob", ".sparkle @alice because pairing", ".sparkle @carol", ".play rps paper", ".sparkle @bob");
        Assert.Contains("✨ bob sparkled carol: carol now has 2 sparkles.", bob, StringComparison.Ordinal);
        Assert.Contains("you lose.", bob, StringComparison.Ordinal);
        Assert.Contains("⚠️ You can't sparkle yourself", bob, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromHours(1)); // Monday 00:30, 2026-W49, still November
        _random.Enqueue(3, 4);
        var carol = await SessionAsync("carol", ".sparkle @bob", ".play dice 2d6 7", ".lb sparkles week", ".lb sparkles", ".lb play", ".show sparkles @bob", ".stats");
        Assert.Contains("✨ carol sparkled bob: bob now has 2 sparkles.", carol, StringComparison.Ordinal);
        Assert.Contains("🎲 2d6: 3 + 4 = 7 (target 7) → you win!", carol, StringComparison.Ordinal);
        Assert.Contains("✨ Sparkles — week 2026-W49\n#  Name  Sparkles\n1  bob          1\n", carol, StringComparison.Ordinal);
        // carol reached 2 on Sunday, bob only on Monday: carol ranks first.
        Assert.Contains("✨ Sparkles — all time\n#  Name     Sparkles\n1  carol ←         2\n2  bob             2\n3  alice           1\n", carol, StringComparison.Ordinal);
        Assert.Contains("🎮 Wins, all games — all time\n#  Name     Wins  Plays\n1  alice       2      2\n2  carol ←     1      1\n3  bob         0      1\n", carol, StringComparison.Ordinal);
        Assert.Contains("✨ bob: 2 sparkles — rank #2 of 3 in this server", carol, StringComparison.Ordinal);
        Assert.Contains("📊 This server\nKeys remembered  0\nSparkles given   5\nGames played     4\nEvents recorded  9\n", carol, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromDays(1)); // Tuesday 2026-12-01: a new month, the same week
        var dave = await SessionAsync("dave", ".lb sparkles month", ".lb sparkles week", ".play stats");
        Assert.Contains("✨ Sparkles — month 2026-12\nNo sparkles yet in this window.", dave, StringComparison.Ordinal);
        Assert.Contains("✨ Sparkles — week 2026-W49\n#  Name  Sparkles\n1  bob          1\n", dave, StringComparison.Ordinal);
        Assert.Contains("🎮 This server: games (3 players)", dave, StringComparison.Ordinal);
        Assert.Contains("total      4  3  1  0", dave, StringComparison.Ordinal);
    }

    private async Task<string> SessionAsync(string user, params string[] lines)
    {
        var builder = GamesHost.Builder(_dir, _time, _random, new Dictionary<string, string?>
        {
            ["EVENTBOT_CONSOLE_USER"] = user,
            ["EVENTBOT_CONSOLE_GUILD"] = "lobby",
        });
        using var output = new StringWriter();
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(lines.Length == 0 ? "" : string.Join('\n', lines) + "\n"));
        builder.Services.AddConsoleChat(new ConsoleStreams(input, output, TextWriter.Null, interactive: false));
        using var host = builder.Build();
        await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return output.ToString().ReplaceLineEndings("\n");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
