using EventBot.Bot.Parsing;
using EventBot.Domain.Play;

namespace EventBot.Bot.Features.Play;

/// <summary><c>.play</c>, shared by the game slice and <c>.play stats</c>.</summary>
public static class PlayVerb
{
    /// <summary><c>/play</c>: a subcommand per game, and <c>stats</c>.</summary>
    public static readonly SlashVerb Slash = new("play", "Play a game against the bot, or see game statistics");

    public static readonly CommandVerb Verb = new("play")
    {
        Before = input => input.Args.Length == 0 ? CommandInput.Invalid($"Pick a game. {Usage(input.Prefix)}") : null,
    };

    /// <summary>The usage of the game that was meant (its name typed first), else of every game.</summary>
    public static string Usage(string p, string typedGame) => GameNames.TryGame(typedGame, out var game)
        ? game switch
        {
            Game.Rps => $"Usage: `{p}play rps <rock|paper|scissors>`.",
            Game.Coin => $"Usage: `{p}play coin <heads|tails>`.",
            _ => $"Usage: `{p}play dice [NdM] [target]`, e.g. `{p}play dice 2d6 8`.",
        }
        : Usage(p);

    public static string Usage(string p) =>
        $"Usage: `{p}play rps <rock|paper|scissors>`, `{p}play coin <heads|tails>`, `{p}play dice [NdM] [target]` or `{p}play stats [@user]`.";
}
