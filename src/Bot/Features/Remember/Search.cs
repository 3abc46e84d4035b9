using System.Text;
using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Common;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary><c>.remember search [text]</c>: this server's keys, best matches first; a Query on the guild's partition.</summary>
public static class Search
{
    public const int Shown = 20;

    public sealed record Query(ChatMessage Chat, string? Text) : IQuery<Reply>, IGuildScoped, IValidate
    {
        public string? Validate() => Text is { Length: > 200 } ? "the search text is longer than 200 characters" : null;
    }

    public sealed class Handler(ReadModels readModels) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var rows = await readModels.QueryAsync(RememberedValues.ProjectionName, query.Chat.Guild!.Value.ToString(), cancellationToken);
            var live = rows.Select(RememberedValues.Read).Where(v => v is { Live: true }).Select(v => v!).ToList();
            var text = TextRules.Fold(query.Text ?? "");
            var matches = text.Length == 0
                ? live.OrderBy(v => TextRules.Fold(v.Key), StringComparer.Ordinal).ToList()
                : live.Select(v => (Value: v, Score: FuzzyMatch.Score(text, TextRules.Fold(v.Key))))
                    .Where(m => m.Score > 0)
                    .OrderByDescending(m => m.Score).ThenBy(m => m.Value.Key, StringComparer.Ordinal)
                    .Select(m => m.Value).ToList();

            if (matches.Count == 0)
                return Reply.Of(text.Length == 0 ? "Nothing remembered in this server yet." : $"No keys match {Md.Code(query.Text!)}.");

            // One rendering of the shown keys, used by both the plain text and the embed.
            var lines = matches.Take(Shown).Select(v => $"{Md.Code(v.Key)} — {Md.Shorten(v.Value!, 60)}").ToList();
            var more = matches.Count > Shown ? $"\n…and {matches.Count - Shown} more" : "";
            var body = new StringBuilder(text.Length == 0 ? "Keys in this server:" : $"Keys matching {Md.Code(query.Text!)}:");
            foreach (var line in lines) body.Append("\n• ").Append(line);
            body.Append(more);
            var embed = new ReplyEmbed(text.Length == 0 ? "Remembered keys" : $"Keys matching “{query.Text}”", string.Join('\n', lines) + more, []);
            return new Reply(body.ToString(), embed);
        }
    }
}

/// <summary>Ranks a key against search text: exact, prefix, substring, word prefixes, subsequence, then small typos.</summary>
public static class FuzzyMatch
{
    public static int Score(string query, string key)
    {
        if (key == query) return 1000;
        if (key.StartsWith(query, StringComparison.Ordinal)) return 900 - Math.Min(100, key.Length - query.Length);
        var at = key.IndexOf(query, StringComparison.Ordinal);
        if (at >= 0) return 800 - Math.Min(100, at);
        var words = key.Split(' ');
        if (query.Split(' ').All(q => words.Any(w => w.StartsWith(q, StringComparison.Ordinal)))) return 700;
        if (IsSubsequence(query, key)) return 500 - Math.Min(100, key.Length - query.Length);
        var distance = Distance(query, key.Length > query.Length + 2 ? key[..(query.Length + 2)] : key);
        var allowed = Math.Max(1, query.Length / 3);
        return distance <= allowed ? 300 - (distance * 10) : 0;
    }

    private static bool IsSubsequence(string query, string key)
    {
        var i = 0;
        foreach (var c in key)
            if (i < query.Length && query[i] == c) i++;
        return i == query.Length;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
