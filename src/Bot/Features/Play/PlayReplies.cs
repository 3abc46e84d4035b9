using EventBot.Bot.Chat;
using EventBot.Bot.Features.Leaderboard;
using EventBot.Domain.Play;
using Appended = EventBot.Bot.Pipeline.CommandOutcome<EventBot.Domain.Play.PlayerStats, EventBot.Domain.Play.PlayEvent>.Appended;

namespace EventBot.Bot.Features.Play;

/// <summary>How games read in chat: what each side showed, who won, and the player's record in that game.</summary>
public static class PlayReplies
{
    public static Reply Played(Appended a)
    {
        var e = a.Event<PlayEvent.GamePlayed>();
        var text = Played(e, PlayerStats.Evolve(a.Before, e));
        return Reply.Of(text);
    }

    public static string Played(PlayEvent.GamePlayed e, PlayerStats after)
    {
        var shown = e.Game switch
        {
            Game.Rps => $"You: {Emoji(e.PlayerChoice)} {e.PlayerChoice} · me: {Emoji(Name(e.BotHand))} {Name(e.BotHand)}",
            Game.Coin => $"You called {e.PlayerChoice} · 🪙 the coin shows {Name(e.Flip)}",
            Game.Dice => Dice(e),
            _ => e.PlayerChoice,
        };
        var verdict = e.Result switch
        {
            GameResult.Win => "you win! 🎉",
            GameResult.Loss => "you lose.",
            _ => "a draw.",
        };
        var tally = after.For(e.Game);
        return $"{shown} → {verdict}\n{GameNames.Of(e.Game)}: {Tally(tally)}";
    }

    public static string Tally(Tally t) =>
        $"{t.Wins} W · {t.Losses} L · {t.Draws} D · streak {t.CurrentStreak} (best {t.BestStreak})";

    /// <summary>A player's (streaks) or the server's (counts only) games as a table and an embed.</summary>
    public static Reply Statistics(string title, PlayerStats stats, bool streaks, string? footer)
    {
        var rows = new (string Name, Tally Tally)[] { ("rps", stats.Rps), ("coin", stats.Coin), ("dice", stats.Dice), ("total", stats.Total) };
        IReadOnlyList<string> headers = streaks ? ["Game", "Plays", "W", "L", "D", "Streak", "Best"] : ["Game", "Plays", "W", "L", "D"];
        var cells = rows.Select(r => (IReadOnlyList<string>?)(streaks
            ? [r.Name, $"{r.Tally.Plays}", $"{r.Tally.Wins}", $"{r.Tally.Losses}", $"{r.Tally.Draws}", $"{r.Tally.CurrentStreak}", $"{r.Tally.BestStreak}"]
            : [r.Name, $"{r.Tally.Plays}", $"{r.Tally.Wins}", $"{r.Tally.Losses}", $"{r.Tally.Draws}"]));
        var table = TextTable.Render(headers, cells, new HashSet<int>(Enumerable.Range(1, headers.Count - 1)));
        var text = $"{title}\n{table}" + (footer is null ? "" : $"\n{footer}");
        var fields = rows.Select(r => new ReplyField(r.Name,
            $"{r.Tally.Plays} plays · {r.Tally.Wins} W · {r.Tally.Losses} L · {r.Tally.Draws} D" + (streaks ? $" · streak {r.Tally.CurrentStreak} (best {r.Tally.BestStreak})" : ""), Inline: false));
        return new Reply(text, new ReplyEmbed(title, footer, [.. fields]));
    }

    private static string Dice(PlayEvent.GamePlayed e)
    {
        var request = (GameRequest.Dice)GameRequest.Parse(Game.Dice, e.PlayerChoice).Value;
        var mine = Rolls(e.Rolls ?? []);
        return request.Target is { } target
            ? $"🎲 {request.Spec}: {mine} (target {target})"
            : $"🎲 {request.Spec}: you {mine} · me {Rolls(e.BotRolls ?? [])}";
    }

    private static string Rolls(int[] rolls) => rolls.Length == 1 ? $"{rolls[0]}" : $"{string.Join(" + ", rolls)} = {rolls.Sum()}";

    private static string Name(Hand? hand) => hand is { } h ? GameNames.Of(h) : "?";

    private static string Name(CoinSide? side) => side is { } s ? GameNames.Of(s) : "?";

    private static string Emoji(string hand) => hand switch { "rock" => "✊", "paper" => "✋", "scissors" => "✌️", _ => "" };
}
