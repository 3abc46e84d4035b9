using EventBot.Domain.Common;

namespace EventBot.Domain.Play;

/// <summary>The facts of the play family. Stored contracts: add fields as optional, never rename.</summary>
public abstract record PlayEvent
{
    private PlayEvent() { }

    /// <summary>
    /// One game, with everything random in it, so replays never re-roll. <paramref name="PlayerChoice"/> is
    /// <see cref="GameRequest.Choice"/> ("rock", "heads", "2d6 8"); read it back with
    /// <see cref="GameRequest.Parse(Game, string?)"/>. Only the outcome fields of <paramref name="Game"/> are set.
    /// </summary>
    [EventType("GamePlayed")]
    public sealed record GamePlayed(
        Game Game,
        string PlayerChoice,
        Hand? BotHand,
        CoinSide? Flip,
        int[]? Rolls,
        int[]? BotRolls,
        GameResult Result,
        DateTimeOffset At) : PlayEvent
    {
        // Arrays compare by reference in records; a fact compares by what it says.
        public bool Equals(GamePlayed? other) =>
            other is not null
            && (Game, PlayerChoice, BotHand, Flip, Result, At) == (other.Game, other.PlayerChoice, other.BotHand, other.Flip, other.Result, other.At)
            && Same(Rolls, other.Rolls)
            && Same(BotRolls, other.BotRolls);

        public override int GetHashCode() => HashCode.Combine(Game, PlayerChoice, BotHand, Flip, Result, At, Rolls?.Sum(), BotRolls?.Sum());

        private static bool Same(int[]? a, int[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
    }
}
