using EventBot.Domain.Common;

namespace EventBot.Domain.Play;

/// <summary>Who won, from the player's request and the drawn outcome. Pure, so a stored game can be judged again.</summary>
public static class GameRules
{
    public static Validated<GameResult> Judge(GameRequest request, GameOutcome outcome) => (request, outcome) switch
    {
        (GameRequest.Rps r, GameOutcome.Rps o) when Enum.IsDefined(o.BotHand) => Valid(Rps(r.Pick, o.BotHand)),
        (GameRequest.Coin c, GameOutcome.Coin o) when Enum.IsDefined(o.Flip) => Valid(c.Call == o.Flip ? GameResult.Win : GameResult.Loss),
        (GameRequest.Dice d, GameOutcome.Dice o) => Dice(d, o),
        _ => Invalid($"{outcome} is not an outcome of {request}"),
    };

    /// <summary>Each hand beats the next one round: rock blunts scissors, scissors cut paper, paper wraps rock.</summary>
    public static GameResult Rps(Hand player, Hand bot) =>
        player == bot ? GameResult.Draw
        : Beats(player) == bot ? GameResult.Win
        : GameResult.Loss;

    public static Hand Beats(Hand hand) => hand switch
    {
        Hand.Rock => Hand.Scissors,
        Hand.Scissors => Hand.Paper,
        Hand.Paper => Hand.Rock,
        _ => throw new ArgumentOutOfRangeException(nameof(hand), hand, null),
    };

    private static Validated<GameResult> Dice(GameRequest.Dice request, GameOutcome.Dice outcome)
    {
        if (!Fits(request.Spec, outcome.Rolls))
            return Invalid($"the rolls [{string.Join(", ", outcome.Rolls ?? [])}] are not a roll of {request.Spec}");
        var total = outcome.Rolls.Sum();
        if (request.Target is { } target)
        {
            return outcome.BotRolls is null
                ? Valid(total >= target ? GameResult.Win : GameResult.Loss)
                : Invalid("a roll against a target has no bot roll");
        }
        if (!Fits(request.Spec, outcome.BotRolls))
            return Invalid($"the bot's rolls [{string.Join(", ", outcome.BotRolls ?? [])}] are not a roll of {request.Spec}");
        var bot = outcome.BotRolls.Sum();
        return Valid(total > bot ? GameResult.Win : total < bot ? GameResult.Loss : GameResult.Draw);
    }

    private static bool Fits(DiceSpec spec, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] int[]? rolls) =>
        rolls is not null && rolls.Length == spec.Count && rolls.All(r => r >= 1 && r <= spec.Sides);

    private static Validated<GameResult> Valid(GameResult result) => Validated<GameResult>.Valid(result);

    private static Validated<GameResult> Invalid(string error) => Validated<GameResult>.Invalid(error);
}
