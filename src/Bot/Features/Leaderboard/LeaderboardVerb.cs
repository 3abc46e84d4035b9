using EventBot.Bot.Parsing;

namespace EventBot.Bot.Features.Leaderboard;

/// <summary><c>.leaderboard</c> (<c>.lb</c>): one subcommand per board.</summary>
public static class LeaderboardVerb
{
    public static readonly CommandVerb Verb = new("leaderboard", "lb") { Unmatched = Unmatched };

    public static string Usage(string p) =>
        $"Usage: `{p}leaderboard sparkles [week|month|all]` or `{p}leaderboard play [rps|coin|dice] [week|month|all]` (`{p}lb` for short).";

    private static ParseResult Unmatched(CommandInput input)
    {
        var board = input.FirstWord.Word;
        return CommandInput.Invalid(board.Length == 0
            ? $"Which board? {Usage(input.Prefix)}"
            : $"There is no `{CommandInput.Clip(board)}` board. {Usage(input.Prefix)}");
    }
}
