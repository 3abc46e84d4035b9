using EventBot.Bot.Parsing;
using EventBot.Domain.Play;
using EventBot.Projections.Leaderboards;

namespace EventBot.Bot.Features.Leaderboard;

/// <summary><c>.leaderboard</c> (<c>.lb</c>): one subcommand per board.</summary>
public static class LeaderboardVerb
{
    public static readonly CommandVerb Verb = new("leaderboard", "lb") { Unmatched = Unmatched };

    /// <summary>
    /// <c>/leaderboard board:… window:… game:…</c>: one command for both boards (the board is a choice, as the prefix
    /// subcommand is a word); game names are suggested as the user types.
    /// </summary>
    public static readonly SlashSyntax Slash = new(new SlashVerb("leaderboard", "Top 10 by sparkles received or by games won"), null,
        "Top 10 by sparkles received or by games won",
        [
            new("board", OptionKind.Text, "which board") { Choices = ["sparkles", "play"] },
            new("window", OptionKind.Text, "the period (all time when left out)", Required: false) { Choices = ["week", "month", "all"] },
            new("game", OptionKind.Text, "one game, for the play board (all games when left out)", Required: false) { Autocomplete = true, MaxLength = 20 },
        ],
        Bind);

    private static ParseResult Bind(SlashInput input)
    {
        var window = BoardWindow.All;
        if (input.Text("window") is { } w && !BoardWindows.TryParse(w, out window))
            return CommandInput.Invalid($"`{CommandInput.Clip(w)}` is not a window: pick week, month or all.");
        Game? game = null;
        if (input.Text("game") is { } g)
        {
            if (!GameNames.TryGame(g.Trim(), out var found)) return CommandInput.Invalid($"`{CommandInput.Clip(g)}` is not a game: games are rps, coin and dice.");
            game = found;
        }
        return input.Text("board") switch
        {
            "sparkles" when game is not null => CommandInput.Invalid("The sparkles board has no games: leave `game` out, or pick the play board."),
            "sparkles" => CommandInput.Request(new SparkleLeaderboard.Query(input.Chat, window)),
            "play" => CommandInput.Request(new PlayLeaderboard.Query(input.Chat, game, window)),
            null => SlashInput.Missing("board"),
            var other => CommandInput.Invalid($"There is no `{CommandInput.Clip(other)}` board: pick sparkles or play."),
        };
    }

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
