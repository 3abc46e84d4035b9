using EventBot.Domain.Play;
using EventBot.Projections.Leaderboards;
using EventBot.Projections.Play;
using static EventBot.Domain.Play.GameResult;

namespace EventBot.Projections.Tests.Leaderboards;

public sealed class PlayProjectionTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly BoardHarness _h = new();

    [Fact]
    public async Task Given_games_then_the_players_row_holds_the_domains_own_tallies()
    {
        GameResult[] results = [Win, Win, Loss, Win, Draw, Win, Win, Win];
        for (var i = 0; i < results.Length; i++) await _h.PlayAsync("alice", i % 3 == 0 ? Game.Coin : Game.Rps, results[i], Noon.AddMinutes(i));

        await _h.ProjectAllAsync();

        var row = PlayRecords.Read(await _h.ReadModels.GetAsync(PlayRecords.ProjectionName, PlayRecords.RowFor(BoardHarness.GuildText, BoardHarness.User("alice").Value), default));
        Assert.NotNull(row);
        Assert.Equal(new Tally(8, 6, 1, 1, 3, 3), row.Stats.Total);
        Assert.Equal(3, row.Stats.Coin.Plays);
        Assert.Equal(5, row.Stats.Rps.Plays);
        Assert.Equal(Tally.Zero, row.Stats.Dice);
    }

    [Fact]
    public async Task The_board_ranks_by_wins_then_by_who_reached_them_first_and_players_without_wins_come_last()
    {
        await _h.PlayAsync("zoe", Game.Rps, Loss, Noon);              // zoe: 0 wins, first played earliest
        await _h.PlayAsync("bob", Game.Rps, Win, Noon.AddMinutes(1));
        await _h.PlayAsync("amy", Game.Rps, Win, Noon.AddMinutes(2));
        await _h.PlayAsync("bob", Game.Coin, Win, Noon.AddMinutes(3)); // bob reaches 2 wins (all games) at +3
        await _h.PlayAsync("amy", Game.Dice, Win, Noon.AddMinutes(4)); // amy reaches 2 at +4
        await _h.PlayAsync("amy", Game.Rps, Loss, Noon.AddMinutes(5));
        await _h.PlayAsync("cy", Game.Rps, Draw, Noon.AddMinutes(6));

        await _h.ProjectAllAsync();

        Assert.Equal([(1, "bob", 2, 2), (2, "amy", 2, 3), (3, "zoe", 0, 1), (4, "cy", 0, 1)], await _h.PlayBoardAsync(null, BoardWindows.AllTime));
        Assert.Equal([(1, "bob", 1, 1), (2, "amy", 1, 2), (3, "zoe", 0, 1), (4, "cy", 0, 1)], await _h.PlayBoardAsync(Game.Rps, "2026-W48"));
        Assert.Equal([(1, "bob", 1, 1)], await _h.PlayBoardAsync(Game.Coin, "2026-11"));
        Assert.Equal([(1, "amy", 1, 1)], await _h.PlayBoardAsync(Game.Dice, BoardWindows.AllTime));
    }

    [Fact]
    public async Task Alternating_games_fill_each_games_row_only_with_its_own_events()
    {
        var a = await _h.PlayAsync("alice", Game.Rps, Win, Noon);
        var b = await _h.PlayAsync("alice", Game.Coin, Win, Noon.AddMinutes(1));
        var c = await _h.PlayAsync("alice", Game.Rps, Loss, Noon.AddMinutes(2));

        await _h.Core.ProjectAsync([c, a, b, c], default); // gap first, then late duplicates

        Assert.Equal([(1, "alice", 1, 2)], await _h.PlayBoardAsync(Game.Rps, BoardWindows.AllTime));
        Assert.Equal([(1, "alice", 1, 1)], await _h.PlayBoardAsync(Game.Coin, BoardWindows.AllTime));
        Assert.Equal([(1, "alice", 2, 3)], await _h.PlayBoardAsync(null, BoardWindows.AllTime));
    }

    [Fact]
    public async Task Games_in_different_weeks_count_in_their_own_weeks_only()
    {
        var sunday = new DateTimeOffset(2026, 11, 29, 23, 59, 59, TimeSpan.Zero);
        await _h.PlayAsync("alice", Game.Coin, Win, sunday);
        await _h.PlayAsync("alice", Game.Coin, Win, sunday.AddSeconds(1));
        await _h.PlayAsync("bob", Game.Coin, Win, sunday.AddSeconds(2));

        await _h.ProjectAllAsync();

        Assert.Equal([(1, "alice", 1, 1)], await _h.PlayBoardAsync(Game.Coin, "2026-W48"));
        Assert.Equal([(1, "alice", 1, 1), (2, "bob", 1, 1)], await _h.PlayBoardAsync(Game.Coin, "2026-W49"));
        Assert.Equal([(1, "alice", 2, 2), (2, "bob", 1, 1)], await _h.PlayBoardAsync(null, "2026-11"));
    }

    [Fact]
    public async Task Rebuilding_every_sparkle_and_play_projection_gives_the_same_rankings_in_a_new_generation()
    {
        await _h.SparkleAsync("alice", "bob", Noon);
        await _h.PlayAsync("alice", Game.Rps, Win, Noon);
        await _h.SparkleAsync("carol", "bob", Noon.AddDays(3));
        await _h.PlayAsync("bob", Game.Dice, Win, Noon.AddDays(3));
        await _h.PlayAsync("bob", Game.Dice, Loss, Noon.AddDays(4));
        await _h.ProjectAllAsync();
        var before = (await _h.PlayBoardAsync(null, BoardWindows.AllTime), await _h.SparkleBoardAsync("2026-W49"), await _h.TotalAsync("bob"));

        await _h.NewRebuilder().RunAsync(BoardHarness.Projections, progress: null, default);

        Assert.Equal(2, await _h.Generations.ActiveAsync(PlayBoard.ProjectionName, default));
        var after = (await _h.PlayBoardAsync(null, BoardWindows.AllTime), await _h.SparkleBoardAsync("2026-W49"), await _h.TotalAsync("bob"));
        Assert.Equal(before.Item1, after.Item1);
        Assert.Equal(before.Item2, after.Item2);
        Assert.Equal(before.Item3!.Total, after.Item3!.Total);
        Assert.Equal([(1, "alice", 1, 1), (2, "bob", 1, 2)], after.Item1); // equal wins: alice won first
    }

    public void Dispose() => _h.Dispose();
}
