using CsCheck;
using EventBot.Domain.Play;

namespace EventBot.Domain.Tests.Play;

public class GameDrawTests
{
    [Fact]
    public void TheDrawAsksTheSourceForEachRandomPart()
    {
        var asked = new List<(int, int)>();
        var outcome = GameDraw.Draw(GameRequest.Parse("dice 2d6").Value, (min, max) => { asked.Add((min, max)); return max - 1; });
        Assert.Equal([(1, 7), (1, 7), (1, 7), (1, 7)], asked);
        var dice = Assert.IsType<GameOutcome.Dice>(outcome);
        Assert.Equal([6, 6], dice.Rolls);
        Assert.Equal([6, 6], dice.BotRolls!);
    }

    [Fact]
    public void AgainstATargetTheBotDoesNotRoll() =>
        Assert.Null(Assert.IsType<GameOutcome.Dice>(GameDraw.Draw(GameRequest.Parse("dice 3d4 9").Value, (min, _) => min)).BotRolls);

    [Theory]
    [InlineData("rps rock", 0, "rps rock vs rock")]
    [InlineData("rps rock", 2, "rps rock vs scissors")]
    [InlineData("coin heads", 1, "coin heads vs tails")]
    public void HandsAndFlipsComeFromTheSource(string request, int drawn, string expected)
    {
        var outcome = GameDraw.Draw(GameRequest.Parse(request).Value, (_, _) => drawn);
        var shown = outcome switch
        {
            GameOutcome.Rps o => $"{request} vs {GameNames.Of(o.BotHand)}",
            GameOutcome.Coin o => $"{request} vs {GameNames.Of(o.Flip)}",
            _ => "?",
        };
        Assert.Equal(expected, shown);
    }

    private static readonly Gen<string> Requests = Gen.OneOf(
        Gen.OneOfConst("rps rock", "rps paper", "rps scissors", "coin heads", "coin tails", "dice"),
        Gen.Select(Gen.Int[1, DiceSpec.MaxCount], Gen.Int[DiceSpec.MinSides, DiceSpec.MaxSides], (n, m) => $"dice {n}d{m}"),
        Gen.Select(Gen.Int[1, DiceSpec.MaxCount], Gen.Int[DiceSpec.MinSides, DiceSpec.MaxSides], Gen.Double.Unit, (n, m, t) => $"dice {n}d{m} {n + 1 + (int)(t * (n * m - n - 1))}"));

    [Fact]
    public void AnyDrawFromAFairSourceIsAValidOutcomeOfItsRequest() =>
        Requests.Select(Gen.Int, (text, seed) => (text, seed)).Sample(t =>
        {
            var request = GameRequest.Parse(t.text);
            Assert.True(request.IsValid, request.Error);
            var outcome = GameDraw.Draw(request.Value, new Random(t.seed).Next);
            Assert.True(GameRules.Judge(request.Value, outcome).IsValid);
        });
}
