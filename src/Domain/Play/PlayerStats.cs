using EventBot.Domain.Common;

namespace EventBot.Domain.Play;

using static PlayEvent;

/// <summary>
/// Counts for one game (or all). A streak is consecutive wins: a loss or a draw ends it.
/// Invariants: <c>Plays = Wins + Losses + Draws</c>, <c>BestStreak ≥ CurrentStreak</c>.
/// </summary>
public sealed record Tally(int Plays, int Wins, int Losses, int Draws, int CurrentStreak, int BestStreak)
{
    public static readonly Tally Zero = new(0, 0, 0, 0, 0, 0);

    public Tally Add(GameResult result) => result switch
    {
        GameResult.Win => this with { Plays = Plays + 1, Wins = Wins + 1, CurrentStreak = CurrentStreak + 1, BestStreak = Math.Max(BestStreak, CurrentStreak + 1) },
        GameResult.Loss => this with { Plays = Plays + 1, Losses = Losses + 1, CurrentStreak = 0 },
        GameResult.Draw => this with { Plays = Plays + 1, Draws = Draws + 1, CurrentStreak = 0 },
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };
}

/// <summary>
/// One player's record, per game and in total. A single shape rather than phases: a player who never played
/// is simply all zeros, and no decision depends on it.
/// </summary>
public sealed record PlayerStats(Tally Total, Tally Rps, Tally Coin, Tally Dice)
{
    public static readonly PlayerStats Initial = new(Tally.Zero, Tally.Zero, Tally.Zero, Tally.Zero);

    public Tally For(Game game) => game switch
    {
        Game.Rps => Rps,
        Game.Coin => Coin,
        Game.Dice => Dice,
        _ => throw new ArgumentOutOfRangeException(nameof(game), game, null),
    };

    public static PlayerStats Evolve(PlayerStats state, PlayEvent @event) => @event switch
    {
        GamePlayed e => e.Game switch
        {
            Game.Rps => state with { Total = state.Total.Add(e.Result), Rps = state.Rps.Add(e.Result) },
            Game.Coin => state with { Total = state.Total.Add(e.Result), Coin = state.Coin.Add(e.Result) },
            Game.Dice => state with { Total = state.Total.Add(e.Result), Dice = state.Dice.Add(e.Result) },
            _ => state with { Total = state.Total.Add(e.Result) },
        },
        _ => state,
    };

    public static PlayerStats Fold(IEnumerable<PlayEvent> events) => events.Aggregate(Initial, Evolve);

    /// <summary>
    /// The tallies as stored beside the player's stream, so a game loads one item instead of every game before it.
    /// The JSON names are the record's: renaming a member of <see cref="Tally"/> or this record means a new schema version.
    /// </summary>
    public static readonly StateCodec<PlayerStats> Unfold = new("PlayerStats", 1,
        state => System.Text.Json.JsonSerializer.Serialize(state, UnfoldJson),
        json => System.Text.Json.JsonSerializer.Deserialize<PlayerStats>(json, UnfoldJson) ?? throw new System.Text.Json.JsonException("An empty PlayerStats unfold."));

    private static readonly System.Text.Json.JsonSerializerOptions UnfoldJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };
}
