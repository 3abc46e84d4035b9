using Snapshooter.Xunit;

namespace EventBot.Bot.Tests.Features.Leaderboard;

public sealed class LeaderboardSliceTests : IAsyncLifetime
{
    private GamesHost _bot = null!;

    public async Task InitializeAsync() => _bot = await GamesHost.StartAsync();

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    [Fact]
    public async Task The_top_ten_then_the_callers_own_rank_when_further_down()
    {
        // u01 gets 12 sparkles, u02 11, … u12 1: the caller u12 is 12th.
        for (var user = 1; user <= 12; user++)
            for (var giver = 0; giver < 13 - user; giver++)
                await _bot.TextAsync($"g{giver:00}", $".sparkle @u{user:00}");

        var reply = await _bot.SayAsync("u12", ".leaderboard sparkles");

        var lines = reply.Text.Split('\n');
        Assert.Equal("✨ Sparkles — all time", lines[0]);
        Assert.Equal(["1", "u01", "12"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["10", "u10", "3"], lines[11].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("…", lines[12]);
        Assert.Equal(["12", "u12", "←", "1"], lines[13].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(14, lines.Length);
        Assert.Contains("**12.** u12 — 1 sparkle ← you", reply.Embed!.Description, StringComparison.Ordinal);
        Snapshot.Match(reply.Text);
    }

    [Fact]
    public async Task A_caller_inside_the_top_ten_is_marked_and_not_repeated()
    {
        await _bot.TextAsync("alice", ".sparkle @bob");
        await _bot.TextAsync("bob", ".sparkle @carol");
        await _bot.TextAsync("dave", ".sparkle @carol");

        var text = await _bot.TextAsync("bob", ".lb sparkles all");

        Assert.Equal("✨ Sparkles — all time\n#  Name   Sparkles\n1  carol         2\n2  bob ←         1", text);
    }

    [Fact]
    public async Task Weekly_and_monthly_boards_only_count_their_own_calendar_window()
    {
        await using var bot = await GamesHost.StartAsync(start: new DateTimeOffset(2026, 11, 29, 23, 59, 59, TimeSpan.Zero)); // a Sunday
        await bot.TextAsync("alice", ".sparkle @bob");
        await bot.TextAsync("alice", ".sparkle @carol");
        bot.Time.Advance(TimeSpan.FromSeconds(1)); // Monday 2026-11-30 00:00:00, ISO week 49
        await bot.TextAsync("dave", ".sparkle @carol");

        Assert.Equal("✨ Sparkles — week 2026-W49\n#  Name   Sparkles\n1  carol         1", await bot.TextAsync("alice", ".lb sparkles week"));
        Assert.StartsWith("✨ Sparkles — month 2026-11\n#  Name   Sparkles\n1  carol         2\n2  bob           1", await bot.TextAsync("alice", ".lb sparkles month"), StringComparison.Ordinal);

        bot.Time.Advance(TimeSpan.FromDays(1)); // 2026-12-01: a new month, same week
        Assert.Equal("✨ Sparkles — month 2026-12\nNo sparkles yet in this window. Give one: `.sparkle @user for <reason>`", await bot.TextAsync("alice", ".lb sparkles month"));
        Assert.StartsWith("✨ Sparkles — week 2026-W49\n#  Name   Sparkles\n1  carol         1", await bot.TextAsync("alice", ".lb sparkles week"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_games_board_ranks_wins_per_game_and_over_all_games()
    {
        _bot.Random.Enqueue(2, 0, 0, 2, 1, 0);
        foreach (var (user, game) in new[] { ("alice", "rps rock"), ("bob", "coin heads"), ("bob", "rps rock"), ("bob", "rps rock"), ("carol", "coin heads"), ("alice", "coin heads") })
        {
            await _bot.TextAsync(user, $".play {game}"); // alice win, bob win, draw, win (2 wins first), carol loss, alice win (2 wins later)
            _bot.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var all = await _bot.SayAsync("carol", ".leaderboard play");
        var rps = await _bot.TextAsync("carol", ".lb play rps week");

        Assert.Equal("🎮 Wins, all games — all time\n#  Name     Wins  Plays\n1  bob         2      3\n2  alice       2      2\n3  carol ←     0      1", all.Text);
        Assert.Equal("🎮 Wins, rps — week 2026-W48\n#  Name   Wins  Plays\n1  alice     1      1\n2  bob       1      2", rps);
        Snapshot.Match(all.Embed!.Description!);
    }

    [Theory]
    [InlineData(".leaderboard", "⚠️ Which board?")]
    [InlineData(".lb karma", "⚠️ There is no `karma` board.")]
    [InlineData(".lb sparkles yearly", "⚠️ `yearly` is not a window: pick week, month or all.")]
    [InlineData(".lb sparkles week month", "⚠️ Too many words.")]
    [InlineData(".lb play chess", "⚠️ `chess` is not a game or a window here")]
    [InlineData(".lb play week rps", "⚠️ `rps` is not a game or a window here")]
    public async Task Bad_boards_get_the_usage(string text, string expected)
    {
        var reply = await _bot.TextAsync("alice", text);
        Assert.StartsWith(expected, reply, StringComparison.Ordinal);
        Assert.Contains("Usage: `.leaderboard sparkles [week|month|all]`", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_counts_keys_sparkles_games_and_events_of_this_server()
    {
        _bot.Random.Enqueue(2, 0);
        await _bot.TextAsync("alice", ".remember wifi is hunter2");
        await _bot.TextAsync("alice", ".remember wifi is hunter3");
        await _bot.TextAsync("alice", ".remember door is 1234");
        await _bot.TextAsync("bob", ".forget door");
        await _bot.TextAsync("alice", ".sparkle @bob");
        await _bot.TextAsync("carol", ".sparkle @bob");
        await _bot.TextAsync("bob", ".sparkle @alice");
        await _bot.TextAsync("alice", ".play rps rock");
        await _bot.TextAsync("alice", ".play coin heads");

        var stats = await _bot.SayAsync("carol", ".stats");

        Assert.Equal("📊 This server\nKeys remembered  1\nSparkles given   3\nGames played     2\nEvents recorded  9", stats.Text);
        Assert.Equal(["1", "3", "2", "9"], stats.Embed!.Fields.Select(f => f.Value));
    }

    [Fact]
    public async Task Sparkle_then_show_and_leaderboard_at_once_are_consistent()
    {
        for (var i = 0; i < 20; i++)
        {
            await _bot.TextAsync($"giver{i}", ".sparkle @star");
            Assert.StartsWith($"✨ star: {i + 1} sparkle", await _bot.TextAsync("star", ".show sparkles"), StringComparison.Ordinal);
            Assert.EndsWith($"star ←  {i + 1,8}", await _bot.TextAsync("star", ".lb sparkles week"), StringComparison.Ordinal);
        }
    }
}
