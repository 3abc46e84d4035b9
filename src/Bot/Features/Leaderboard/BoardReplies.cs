using EventBot.Bot.Chat;
using EventBot.Domain.Common;
using EventBot.Domain.Play;
using EventBot.Projections.Leaderboards;
using EventBot.Projections.Play;
using EventBot.Projections.Sparkle;

namespace EventBot.Bot.Features.Leaderboard;

/// <summary>
/// Renders a ranked board: the top <see cref="Shown"/>, then the caller's own place when they are further down.
/// Text is an aligned table (console); the embed lists the same places for Discord.
/// </summary>
public static class BoardReplies
{
    public const int Shown = 10;

    public static Reply Sparkles(ChatUser caller, string window, IReadOnlyList<Ranked<BoardEntry>> ranked) =>
        Render($"✨ Sparkles — {window}", ranked, caller.Id, e => e.UserId, e => e.Name,
            [("Sparkles", e => $"{e.Score}")],
            "No sparkles yet in this window. Give one: `.sparkle @user for <reason>`");

    public static Reply Games(ChatUser caller, Game? game, string window, IReadOnlyList<Ranked<PlayBoardEntry>> ranked) =>
        Render($"🎮 Wins, {(game is { } g ? GameNames.Of(g) : "all games")} — {window}", ranked, caller.Id, e => e.UserId, e => e.Name,
            [("Wins", e => $"{e.Wins}"), ("Plays", e => $"{e.Plays}")],
            "No games played yet in this window. Try `.play rps rock`.");

    public static Reply Render<T>(
        string title,
        IReadOnlyList<Ranked<T>> ranked,
        UserId caller,
        Func<T, ulong> userId,
        Func<T, string> name,
        IReadOnlyList<(string Header, Func<T, string> Value)> columns,
        string empty)
    {
        if (ranked.Count == 0) return Reply.Of($"{title}\n{empty}");
        var top = ranked.Take(Shown).ToList();
        var own = ranked.FirstOrDefault(r => userId(r.Entry) == caller.Value);
        var appended = own is not null && own.Rank > Shown ? own : null;

        IReadOnlyList<string>? Row(Ranked<T> r) =>
            [$"{r.Rank}", name(r.Entry) + (userId(r.Entry) == caller.Value ? " ←" : ""), .. columns.Select(c => c.Value(r.Entry))];
        var rows = top.Select(Row).ToList();
        if (appended is not null)
        {
            if (appended.Rank > Shown + 1) rows.Add(null);
            rows.Add(Row(appended));
        }
        var rightAligned = new HashSet<int>([0, .. Enumerable.Range(2, columns.Count)]);
        var table = TextTable.Render(["#", "Name", .. columns.Select(c => c.Header)], rows, rightAligned);

        var lines = top.Select(r => EmbedLine(r, name, columns)).ToList();
        if (appended is not null) lines.Add($"…\n{EmbedLine(appended, name, columns)} ← you");
        return new Reply($"{title}\n{table}", new ReplyEmbed(title, string.Join('\n', lines), []));
    }

    private static string EmbedLine<T>(Ranked<T> r, Func<T, string> name, IReadOnlyList<(string Header, Func<T, string> Value)> columns) =>
        $"**{r.Rank}.** {name(r.Entry)} — " + string.Join(" · ", columns.Select(c => Count(c.Value(r.Entry), c.Header)));

    // Headers are plural nouns ("Wins", "Sparkles"): one of them reads singular.
    private static string Count(string value, string header) =>
        $"{value} {(value == "1" ? header.ToLowerInvariant().TrimEnd('s') : header.ToLowerInvariant())}";
}
