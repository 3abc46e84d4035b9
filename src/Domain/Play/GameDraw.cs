namespace EventBot.Domain.Play;

/// <summary>
/// Draws the random part of a game. The handler calls it with its random source; the decider only checks and
/// records what was drawn, so replays never re-roll and tests pass fixed numbers.
/// </summary>
public static class GameDraw
{
    /// <param name="request">The validated request.</param>
    /// <param name="nextInt">
    /// A uniform integer in [minInclusive, maxExclusive), e.g. <c>Random.Shared.Next</c>
    /// or <c>RandomNumberGenerator.GetInt32</c>.
    /// </param>
    public static GameOutcome Draw(GameRequest request, Func<int, int, int> nextInt) => request switch
    {
        GameRequest.Rps => new GameOutcome.Rps((Hand)nextInt(0, 3)),
        GameRequest.Coin => new GameOutcome.Coin((CoinSide)nextInt(0, 2)),
        GameRequest.Dice d => new GameOutcome.Dice(Roll(d.Spec, nextInt), d.Target is null ? Roll(d.Spec, nextInt) : null),
        _ => throw new ArgumentOutOfRangeException(nameof(request), request, "Unknown game"),
    };

    private static int[] Roll(DiceSpec spec, Func<int, int, int> nextInt) =>
        [.. Enumerable.Range(0, spec.Count).Select(_ => nextInt(1, spec.Sides + 1))];
}
