using CsCheck;
using EventBot.Domain.Play;
using static EventBot.Domain.Play.PlayEvent;

namespace EventBot.Domain.Tests.Play;

public class PlayerStatsTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static GamePlayed Coin(GameResult result) =>
        new(Game.Coin, "heads", null, result == GameResult.Win ? CoinSide.Heads : CoinSide.Tails, null, null, result, Noon);

    private static GamePlayed Rps(GameResult result) => new(Game.Rps, "rock", Hand.Scissors, null, null, null, result, Noon);

    [Fact]
    public void GivenWinWinLossWin_ThenTheCurrentStreakIsOneAndTheBestTwo()
    {
        var stats = PlayerStats.Fold([Coin(GameResult.Win), Coin(GameResult.Win), Coin(GameResult.Loss), Coin(GameResult.Win)]);
        Assert.Equal(new Tally(Plays: 4, Wins: 3, Losses: 1, Draws: 0, CurrentStreak: 1, BestStreak: 2), stats.Total);
        Assert.Equal(stats.Total, stats.Coin);
        Assert.Equal(Tally.Zero, stats.For(Game.Rps));
    }

    [Fact]
    public void GivenADraw_ThenTheStreakEnds()
    {
        var stats = PlayerStats.Fold([Coin(GameResult.Win), Rps(GameResult.Draw), Coin(GameResult.Win)]);
        Assert.Equal((1, 1), (stats.Total.CurrentStreak, stats.Total.BestStreak));
        Assert.Equal((2, 2), (stats.Coin.CurrentStreak, stats.Coin.BestStreak));
        Assert.Equal(new Tally(1, 0, 0, 1, 0, 0), stats.Rps);
    }

    [Fact]
    public void GivenNoGames_ThenAllIsZero() => Assert.Equal(PlayerStats.Initial, PlayerStats.Fold([]));

    private static readonly Gen<GamePlayed> AnyGame =
        Gen.Select(Gen.Enum<Game>(), Gen.Enum<GameResult>(), (game, result) => new GamePlayed(game, "x", null, null, null, null, result, Noon));

    private static void Holds(Tally t)
    {
        Assert.Equal(t.Plays, t.Wins + t.Losses + t.Draws);
        Assert.True(t.BestStreak >= t.CurrentStreak);
        Assert.True(t.CurrentStreak <= t.Wins);
    }

    [Fact]
    public void AnyHistoryKeepsPlaysEqualToOutcomesAndTheBestStreakAtLeastTheCurrent() =>
        AnyGame.Array[0, 60].Sample(history =>
        {
            var stats = PlayerStats.Fold(history);
            Holds(stats.Total);
            foreach (var game in Enum.GetValues<Game>()) Holds(stats.For(game));
            Assert.Equal(history.Length, stats.Total.Plays);
            Assert.Equal(stats.Total.Plays, stats.Rps.Plays + stats.Coin.Plays + stats.Dice.Plays);
        });
}
