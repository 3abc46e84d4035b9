using System.Globalization;
using System.Text.RegularExpressions;
using EventBot.Domain.Common;

namespace EventBot.Domain.Play;

/// <summary><c>NdM</c>: <see cref="Count"/> dice (1..20) of <see cref="Sides"/> sides (2..1000).</summary>
public readonly partial record struct DiceSpec(int Count, int Sides)
{
    public const int MaxCount = 20;
    public const int MinSides = 2;
    public const int MaxSides = 1000;

    public static readonly DiceSpec Default = new(1, 6);

    public int Min => Count;

    public int Max => Count * Sides;

    /// <summary>"2d6", "D20" (one die); ASCII digits only, no signs.</summary>
    public static Validated<DiceSpec> Parse(string? text)
    {
        var match = Shape().Match(text?.Trim() ?? "");
        if (!match.Success) return Validated<DiceSpec>.Invalid($"`{text}` is not dice: write NdM, like 2d6");
        var countOk = int.TryParse(match.Groups["n"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var count);
        if (match.Groups["n"].Length == 0) (count, countOk) = (1, true);
        if (!countOk || count is < 1 or > MaxCount)
            return Validated<DiceSpec>.Invalid($"roll 1 to {MaxCount} dice, not {match.Groups["n"].Value}");
        if (!int.TryParse(match.Groups["m"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var sides) || sides is < MinSides or > MaxSides)
            return Validated<DiceSpec>.Invalid($"dice have {MinSides} to {MaxSides} sides, not {match.Groups["m"].Value}");
        return Validated<DiceSpec>.Valid(new DiceSpec(count, sides));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Count}d{Sides}");

    [GeneratedRegex("^(?<n>[0-9]*)[dD](?<m>[0-9]+)$")]
    private static partial Regex Shape();
}

/// <summary>
/// What the player asked for, validated: <c>rps rock|paper|scissors</c>, <c>coin heads|tails</c>,
/// <c>dice [NdM] [target]</c>. <see cref="Choice"/> is the canonical text, stored in the event and parseable again.
/// </summary>
public abstract record GameRequest
{
    private GameRequest() { }

    public abstract Game Game { get; }

    /// <summary>The player's side in canonical words: "rock", "heads", "2d6", "2d6 8".</summary>
    public abstract string Choice { get; }

    public sealed record Rps(Hand Pick) : GameRequest
    {
        public override Game Game => Game.Rps;

        public override string Choice => GameNames.Of(Pick);
    }

    public sealed record Coin(CoinSide Call) : GameRequest
    {
        public override Game Game => Game.Coin;

        public override string Choice => GameNames.Of(Call);
    }

    /// <summary>
    /// With a <paramref name="Target"/>, the player wins when the total is at least the target (never a draw).
    /// Without, the bot rolls the same dice: higher total wins, equal is a draw.
    /// </summary>
    public sealed record Dice(DiceSpec Spec, int? Target) : GameRequest
    {
        public override Game Game => Game.Dice;

        public override string Choice => Target is { } t ? string.Create(CultureInfo.InvariantCulture, $"{Spec} {t}") : Spec.ToString();
    }

    /// <summary>Everything after <c>.play</c>: the game's name, then its arguments.</summary>
    public static Validated<GameRequest> Parse(string? text)
    {
        var words = Words(text);
        if (words.Length == 0) return Validated<GameRequest>.Invalid("pick a game: rps, coin or dice");
        return GameNames.TryGame(words[0], out var game)
            ? Parse(game, words[1..])
            : Validated<GameRequest>.Invalid($"`{words[0]}` is not a game: pick rps, coin or dice");
    }

    /// <summary>A game's arguments; also reads back <see cref="Choice"/> from a stored event.</summary>
    public static Validated<GameRequest> Parse(Game game, string? arguments) => Parse(game, Words(arguments));

    private static Validated<GameRequest> Parse(Game game, string[] args) => game switch
    {
        Game.Rps when args.Length == 1 && GameNames.TryHand(args[0], out var hand) => Validated<GameRequest>.Valid(new Rps(hand)),
        Game.Rps => Validated<GameRequest>.Invalid("pick rock, paper or scissors"),
        Game.Coin when args.Length == 1 && GameNames.TryCoin(args[0], out var side) => Validated<GameRequest>.Valid(new Coin(side)),
        Game.Coin => Validated<GameRequest>.Invalid("call heads or tails"),
        Game.Dice when args.Length > 2 => Validated<GameRequest>.Invalid("dice take NdM and an optional target, like `dice 2d6 8`"),
        Game.Dice => ParseDice(args),
        _ => Validated<GameRequest>.Invalid($"unknown game {game}"),
    };

    private static Validated<GameRequest> ParseDice(string[] args)
    {
        var spec = args.Length == 0 ? Validated<DiceSpec>.Valid(DiceSpec.Default) : DiceSpec.Parse(args[0]);
        if (!spec.IsValid) return Validated<GameRequest>.Invalid(spec.Error!);
        if (args.Length < 2) return Validated<GameRequest>.Valid(new Dice(spec.Value, null));
        var dice = spec.Value;
        // A target the dice always reach (or never can) would be a game with no chance in it.
        if (!int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var target) || target <= dice.Min || target > dice.Max)
            return Validated<GameRequest>.Invalid($"the target for {dice} is a number from {dice.Min + 1} to {dice.Max}");
        return Validated<GameRequest>.Valid(new Dice(dice, target));
    }

    private static string[] Words(string? text) => (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>The words players type and the events store (they are the enums' wire names).</summary>
public static class GameNames
{
    public static string Of(Game game) => game switch { Game.Rps => "rps", Game.Coin => "coin", Game.Dice => "dice", _ => game.ToString() };

    public static string Of(Hand hand) => hand switch { Hand.Rock => "rock", Hand.Paper => "paper", Hand.Scissors => "scissors", _ => hand.ToString() };

    public static string Of(CoinSide side) => side switch { CoinSide.Heads => "heads", CoinSide.Tails => "tails", _ => side.ToString() };

    public static bool TryGame(string word, out Game game) => TryFind(word, Enum.GetValues<Game>(), Of, out game);

    public static bool TryHand(string word, out Hand hand) => TryFind(word, Enum.GetValues<Hand>(), Of, out hand);

    public static bool TryCoin(string word, out CoinSide side) => TryFind(word, Enum.GetValues<CoinSide>(), Of, out side);

    private static bool TryFind<T>(string word, T[] values, Func<T, string> name, out T found)
        where T : struct, Enum
    {
        foreach (var value in values)
        {
            if (string.Equals(name(value), word, StringComparison.OrdinalIgnoreCase))
            {
                found = value;
                return true;
            }
        }
        found = default;
        return false;
    }
}
