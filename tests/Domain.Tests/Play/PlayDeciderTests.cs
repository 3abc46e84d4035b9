using EventBot.Domain.Common;
using EventBot.Domain.Play;
using static EventBot.Domain.Play.PlayEvent;

namespace EventBot.Domain.Tests.Play;

public class PlayDeciderTests
{
    private static readonly Spec<PlayCommand, PlayerStats, PlayEvent> Spec = new(PlayerStats.Initial, PlayerStats.Evolve, PlayDecider.Decide);

    private static readonly Actor Alice = new(new UserId(1), "Alice");
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static PlayCommand.Play Play(string request, GameOutcome outcome) =>
        new(Alice, GameRequest.Parse(request).Value, outcome, Noon);

    private static GamePlayed Played(Game game, string choice, GameResult result, Hand? botHand = null, CoinSide? flip = null, int[]? rolls = null, int[]? botRolls = null) =>
        new(game, choice, botHand, flip, rolls, botRolls, result, Noon);

    [Theory]
    [InlineData(Hand.Rock, Hand.Rock, GameResult.Draw)]
    [InlineData(Hand.Rock, Hand.Paper, GameResult.Loss)]
    [InlineData(Hand.Rock, Hand.Scissors, GameResult.Win)]
    [InlineData(Hand.Paper, Hand.Rock, GameResult.Win)]
    [InlineData(Hand.Paper, Hand.Paper, GameResult.Draw)]
    [InlineData(Hand.Paper, Hand.Scissors, GameResult.Loss)]
    [InlineData(Hand.Scissors, Hand.Rock, GameResult.Loss)]
    [InlineData(Hand.Scissors, Hand.Paper, GameResult.Win)]
    [InlineData(Hand.Scissors, Hand.Scissors, GameResult.Draw)]
    public void WhenPlayingRps_ThenTheBotsHandIsRecordedWithTheResult(Hand player, Hand bot, GameResult result)
    {
        var choice = GameNames.Of(player);
        Spec.Given().When(Play($"rps {choice}", new GameOutcome.Rps(bot))).Then(Played(Game.Rps, choice, result, botHand: bot));
    }

    [Theory]
    [InlineData("heads", CoinSide.Heads, GameResult.Win)]
    [InlineData("heads", CoinSide.Tails, GameResult.Loss)]
    [InlineData("tails", CoinSide.Tails, GameResult.Win)]
    [InlineData("tails", CoinSide.Heads, GameResult.Loss)]
    public void WhenCallingACoin_ThenTheFlipIsRecordedWithTheResult(string call, CoinSide flip, GameResult result) =>
        Spec.Given().When(Play($"coin {call}", new GameOutcome.Coin(flip))).Then(Played(Game.Coin, call, result, flip: flip));

    [Theory]
    [InlineData(new[] { 3, 5 }, GameResult.Win)]   // 8: exactly the target wins
    [InlineData(new[] { 6, 6 }, GameResult.Win)]
    [InlineData(new[] { 3, 4 }, GameResult.Loss)]  // 7
    public void WhenRollingAgainstATarget_ThenATotalAtLeastTheTargetWins(int[] rolls, GameResult result) =>
        Spec.Given().When(Play("dice 2d6 8", new GameOutcome.Dice(rolls, null))).Then(Played(Game.Dice, "2d6 8", result, rolls: rolls));

    [Theory]
    [InlineData(new[] { 4, 4 }, new[] { 2, 5 }, GameResult.Win)]
    [InlineData(new[] { 1, 2 }, new[] { 2, 5 }, GameResult.Loss)]
    [InlineData(new[] { 3, 4 }, new[] { 2, 5 }, GameResult.Draw)]
    public void WhenRollingWithoutATarget_ThenTheHigherTotalThanTheBotWins(int[] rolls, int[] botRolls, GameResult result) =>
        Spec.Given().When(Play("dice 2d6", new GameOutcome.Dice(rolls, botRolls))).Then(Played(Game.Dice, "2d6", result, rolls: rolls, botRolls: botRolls));

    [Fact]
    public void WhenRollingPlainDice_ThenOneSixSidedDieIsRecorded() =>
        Spec.Given().When(Play("dice", new GameOutcome.Dice([6], [2]))).Then(Played(Game.Dice, "1d6", GameResult.Win, rolls: [6], botRolls: [2]));

    [Fact]
    public void GivenGamesPlayed_WhenPlayingAgain_ThenItIsANewGame() =>
        Spec.Given(Played(Game.Coin, "heads", GameResult.Win, flip: CoinSide.Heads))
            .When(Play("coin heads", new GameOutcome.Coin(CoinSide.Heads)))
            .Then(Played(Game.Coin, "heads", GameResult.Win, flip: CoinSide.Heads));

    public static TheoryData<string, GameOutcome> OutcomesThatDoNotFit => new()
    {
        { "rps rock", new GameOutcome.Coin(CoinSide.Heads) },
        { "rps rock", new GameOutcome.Rps((Hand)7) },
        { "coin heads", new GameOutcome.Coin((CoinSide)2) },
        { "coin heads", new GameOutcome.Dice([1], null) },
        { "dice 2d6 8", new GameOutcome.Dice([3], null) },
        { "dice 2d6 8", new GameOutcome.Dice([3, 7], null) },
        { "dice 2d6 8", new GameOutcome.Dice([0, 6], null) },
        { "dice 2d6 8", new GameOutcome.Dice([3, 5], [1, 1]) },
        { "dice 2d6", new GameOutcome.Dice([3, 5], null) },
        { "dice 2d6", new GameOutcome.Dice([3, 5], [1, 1, 1]) },
    };

    [Theory]
    [MemberData(nameof(OutcomesThatDoNotFit))]
    public void WhenTheOutcomeDoesNotFitTheGame_ThenRejectedInvalidOutcome(string request, GameOutcome outcome) =>
        Spec.Given().When(Play(request, outcome)).ThenRejected(PlayDecider.InvalidOutcome);

    [Fact]
    public void TheEventKeepsItsOwnCopyOfTheRolls()
    {
        int[] rolls = [3, 5];
        var decision = Assert.IsType<Decision<PlayEvent>.Accepted>(PlayDecider.Decide(Play("dice 2d6 8", new GameOutcome.Dice(rolls, null)), PlayerStats.Initial));
        rolls[0] = 1;
        Assert.Equal([3, 5], Assert.IsType<GamePlayed>(Assert.Single(decision.Events)).Rolls!);
    }

    [Fact]
    public void TheStreamIsPerPlayer() =>
        Assert.Equal("play/42/1", PlayStream.For(new GuildId(42), Alice.Id));
}
