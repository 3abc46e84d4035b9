using Snapshooter;
using Snapshooter.Xunit;

namespace EventBot.Bot.Tests.Features.Play;

public sealed class PlaySliceTests : IAsyncLifetime
{
    // The scripted numbers are what GameDraw asks for: rps 0 rock, 1 paper, 2 scissors; coin 0 heads, 1 tails; dice faces.
    private const int Rock = 0, Paper = 1, Scissors = 2, Heads = 0, Tails = 1;

    private GamesHost _bot = null!;

    public async Task InitializeAsync() => _bot = await GamesHost.StartAsync();

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    [Fact]
    public async Task Rock_paper_scissors_uses_the_drawn_hand_and_keeps_the_streak()
    {
        _bot.Random.Enqueue(Scissors, Scissors, Paper, Rock);

        Assert.Equal("You: ✊ rock · me: ✌️ scissors → you win! 🎉\nrps: 1 W · 0 L · 0 D · streak 1 (best 1)", await _bot.TextAsync("alice", ".play rps rock"));
        Assert.Equal("You: ✊ rock · me: ✌️ scissors → you win! 🎉\nrps: 2 W · 0 L · 0 D · streak 2 (best 2)", await _bot.TextAsync("alice", ".play rps ROCK"));
        Assert.Equal("You: ✊ rock · me: ✋ paper → you lose.\nrps: 2 W · 1 L · 0 D · streak 0 (best 2)", await _bot.TextAsync("alice", ".play rps rock"));
        Assert.Equal("You: ✊ rock · me: ✊ rock → a draw.\nrps: 2 W · 1 L · 1 D · streak 0 (best 2)", await _bot.TextAsync("alice", ".play rps rock"));
    }

    [Fact]
    public async Task A_coin_call_wins_when_the_flip_matches()
    {
        _bot.Random.Enqueue(Heads, Tails);

        Assert.StartsWith("You called heads · 🪙 the coin shows heads → you win!", await _bot.TextAsync("bob", ".play coin heads"), StringComparison.Ordinal);
        Assert.StartsWith("You called heads · 🪙 the coin shows tails → you lose.", await _bot.TextAsync("bob", ".play coin heads"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dice_against_a_target_and_against_the_bot()
    {
        _bot.Random.Enqueue(3, 5, /* then 1d6 vs bot */ 4, 4, /* 2d6 vs bot */ 6, 1, 2, 2);

        Assert.StartsWith("🎲 2d6: 3 + 5 = 8 (target 8) → you win!", await _bot.TextAsync("carol", ".play dice 2d6 8"), StringComparison.Ordinal);
        Assert.StartsWith("🎲 1d6: you 4 · me 4 → a draw.", await _bot.TextAsync("carol", ".play dice"), StringComparison.Ordinal);
        Assert.StartsWith("🎲 2d6: you 6 + 1 = 7 · me 2 + 2 = 4 → you win!", await _bot.TextAsync("carol", ".play dice 2d6"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".play", "⚠️ Pick a game.", "Usage: `.play rps <rock|paper|scissors>`, `.play coin <heads|tails>`")]
    [InlineData(".play chess", "⚠️ `chess` is not a game: pick rps, coin or dice.", "Usage: `.play rps <rock|paper|scissors>`, `.play coin <heads|tails>`")]
    [InlineData(".play rps", "⚠️ Pick rock, paper or scissors. Usage: `.play rps <rock|paper|scissors>`.", null)]
    [InlineData(".play coin edge", "⚠️ Call heads or tails. Usage: `.play coin <heads|tails>`.", null)]
    [InlineData(".play dice 0d6", "⚠️ Roll 1 to 20 dice, not 0. Usage: `.play dice [NdM] [target]`, e.g. `.play dice 2d6 8`.", null)]
    [InlineData(".play DICE 2d6 13", "⚠️ The target for 2d6 is a number from 3 to 12. Usage: `.play dice [NdM] [target]`, e.g. `.play dice 2d6 8`.", null)]
    public async Task Bad_games_get_the_usage_of_the_game_meant_and_nothing_is_played(string text, string expected, string? usage)
    {
        var reply = await _bot.TextAsync("alice", text);
        if (usage is null) Assert.Equal(expected, reply);
        else Assert.Contains(usage, reply, StringComparison.Ordinal);
        Assert.StartsWith(expected, reply, StringComparison.Ordinal);
        Assert.StartsWith("alice has not played here yet", await _bot.TextAsync("alice", ".play stats @alice"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Play_stats_show_a_players_record_per_game_and_the_servers_totals()
    {
        _bot.Random.Enqueue(Scissors, Scissors, Paper, Heads, 6, 1);
        await _bot.TextAsync("alice", ".play rps rock");   // win
        await _bot.TextAsync("alice", ".play rps rock");   // win
        await _bot.TextAsync("bob", ".play rps rock");     // loss
        await _bot.TextAsync("bob", ".play coin heads");   // win
        await _bot.TextAsync("alice", ".play dice 1d6");   // 6 vs 1: win

        var alice = await _bot.SayAsync("bob", ".play stats @alice");
        var server = await _bot.TextAsync("bob", ".play stats");

        Assert.Contains("total      3  3  0  0       3     3", alice.Text, StringComparison.Ordinal);
        Assert.Contains("total      5  4  1  0", server, StringComparison.Ordinal);
        Assert.EndsWith("Best streak: 3 by alice", server, StringComparison.Ordinal);
        Assert.Equal(4, alice.Embed!.Fields.Count);
        Snapshot.Match(alice.Text, SnapshotNameExtension.Create("alice"));
        Snapshot.Match(server, SnapshotNameExtension.Create("server"));
    }

    [Fact]
    public async Task A_redelivered_message_is_not_played_twice()
    {
        _bot.Random.Enqueue(Scissors, Scissors);
        var message = new Chat.ChatMessage("same-id", GamesHost.Guild, new Chat.ChatUser(Domain.Common.UserId.FromName("alice"), "alice"), ".play rps rock", []);

        await _bot.Bot.HandleAsync(message, default);
        var again = await _bot.Bot.HandleAsync(message, default);

        Assert.Equal("Already played (this message was handled before).", again!.Text);
        Assert.Contains("total      1  1", await _bot.TextAsync("alice", ".play stats @alice"), StringComparison.Ordinal);
    }
}
