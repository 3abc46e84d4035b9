using EventBot.Domain.Play;

namespace EventBot.Domain.Tests.Play;

public class GameRequestTests
{
    [Theory]
    [InlineData("rps rock", "rock")]
    [InlineData("RPS  Scissors ", "scissors")]
    [InlineData("coin heads", "heads")]
    [InlineData("coin TAILS", "tails")]
    [InlineData("dice", "1d6")]
    [InlineData("dice 2d6", "2d6")]
    [InlineData("dice d20", "1d20")]
    [InlineData("dice 2D6 8", "2d6 8")]
    [InlineData("dice 2d6 12", "2d6 12")]
    [InlineData("dice 20d1000", "20d1000")]
    [InlineData("dice 1d2", "1d2")]
    public void AValidRequestHasACanonicalChoice(string text, string choice)
    {
        var request = GameRequest.Parse(text);
        Assert.True(request.IsValid, request.Error);
        Assert.Equal(choice, request.Value.Choice);
        Assert.Equal(request.Value, GameRequest.Parse(request.Value.Game, choice).Value);
    }

    [Theory]
    [InlineData(null, "pick a game")]
    [InlineData("", "pick a game")]
    [InlineData("chess e4", "not a game")]
    [InlineData("rps", "rock, paper or scissors")]
    [InlineData("rps lizard", "rock, paper or scissors")]
    [InlineData("rps rock paper", "rock, paper or scissors")]
    [InlineData("coin", "heads or tails")]
    [InlineData("coin edge", "heads or tails")]
    [InlineData("dice 0d6", "1 to 20 dice")]
    [InlineData("dice 21d6", "1 to 20 dice")]
    [InlineData("dice 99999999999d6", "1 to 20 dice")]
    [InlineData("dice 1d1", "2 to 1000 sides")]
    [InlineData("dice 1d1001", "2 to 1000 sides")]
    [InlineData("dice 1d0", "2 to 1000 sides")]
    [InlineData("dice banana", "not dice")]
    [InlineData("dice 2x6", "not dice")]
    [InlineData("dice -1d6", "not dice")]
    [InlineData("dice ٢d٦", "not dice")]
    [InlineData("dice 8", "not dice")]
    [InlineData("dice 2d6 2", "from 3 to 12")]
    [InlineData("dice 2d6 13", "from 3 to 12")]
    [InlineData("dice 2d6 +8", "from 3 to 12")]
    [InlineData("dice 2d6 eight", "from 3 to 12")]
    [InlineData("dice 2d6 8 9", "optional target")]
    public void AnInvalidRequestSaysWhy(string? text, string why)
    {
        var request = GameRequest.Parse(text);
        Assert.False(request.IsValid);
        Assert.Contains(why, request.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DiceHaveTheirRange()
    {
        var dice = DiceSpec.Parse("3d8").Value;
        Assert.Equal((3, 8, 3, 24), (dice.Count, dice.Sides, dice.Min, dice.Max));
    }
}
