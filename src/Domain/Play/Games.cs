using System.Text.Json.Serialization;

namespace EventBot.Domain.Play;

// Enums are stored by explicit wire names, never by number or CLR name: rename members freely, never the names.

[JsonConverter(typeof(JsonStringEnumConverter<Game>))]
public enum Game
{
    [JsonStringEnumMemberName("rps")] Rps,
    [JsonStringEnumMemberName("coin")] Coin,
    [JsonStringEnumMemberName("dice")] Dice,
}

[JsonConverter(typeof(JsonStringEnumConverter<Hand>))]
public enum Hand
{
    [JsonStringEnumMemberName("rock")] Rock,
    [JsonStringEnumMemberName("paper")] Paper,
    [JsonStringEnumMemberName("scissors")] Scissors,
}

[JsonConverter(typeof(JsonStringEnumConverter<CoinSide>))]
public enum CoinSide
{
    [JsonStringEnumMemberName("heads")] Heads,
    [JsonStringEnumMemberName("tails")] Tails,
}

/// <summary>Always from the player's side.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GameResult>))]
public enum GameResult
{
    [JsonStringEnumMemberName("win")] Win,
    [JsonStringEnumMemberName("loss")] Loss,
    [JsonStringEnumMemberName("draw")] Draw,
}

/// <summary>The random part of a game, drawn by the handler (see <see cref="GameDraw"/>) and stored in the event.</summary>
public abstract record GameOutcome
{
    private GameOutcome() { }

    public sealed record Rps(Hand BotHand) : GameOutcome;

    public sealed record Coin(CoinSide Flip) : GameOutcome;

    /// <summary><paramref name="BotRolls"/> only when there is no target: then the bot rolls the same dice.</summary>
    public sealed record Dice(int[] Rolls, int[]? BotRolls) : GameOutcome;
}
