using EventBot.Bot.Parsing;

namespace EventBot.Bot.Features.Play;

/// <summary><c>.play</c>, shared by the game slice and <c>.play stats</c>.</summary>
public static class PlayVerb
{
    public static readonly CommandVerb Verb = new("play")
    {
        Before = input => input.Args.Length == 0 ? CommandInput.Invalid($"Pick a game. {Usage(input.Prefix)}") : null,
    };

    public static string Usage(string p) =>
        $"Usage: `{p}play rps <rock|paper|scissors>`, `{p}play coin <heads|tails>`, `{p}play dice [NdM] [target]` or `{p}play stats [@user]`.";
}
