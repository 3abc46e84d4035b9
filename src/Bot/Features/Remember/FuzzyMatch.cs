namespace EventBot.Bot.Features.Remember;

/// <summary>
/// Ranks a key against search text: exact, prefix, substring, word prefixes, subsequence, then small typos. A typo is
/// measured by edit distance counting a swap of two neighbours as one edit (<c>kye</c> is one edit from <c>key</c>),
/// against the start of the key and of each of its words, so <c>kye</c> also finds <c>key1</c> and <c>my key</c>.
/// </summary>
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
        var distance = TypoDistance(query, key);
        var allowed = Math.Max(1, query.Length / 3);
        return distance <= allowed ? 300 - (distance * 10) : 0;
    }

    /// <summary>
    /// The smallest distance from the query to a candidate: the key's start (up to two longer than the query), and for
    /// queries of three or more characters the starts of the key and of each of its words from one shorter to two
    /// longer than the query. Spans, not substrings: autocomplete scores every key of a server on each keystroke.
    /// </summary>
    private static int TypoDistance(string query, string key)
    {
        var best = Distance(query, key.AsSpan(0, Math.Min(key.Length, query.Length + 2)));
        if (query.Length < 3) return best;
        best = Math.Min(best, Starts(query, key.AsSpan(), best));
        var rest = key.AsSpan();
        while (best > 0)
        {
            var space = rest.IndexOf(' ');
            best = Math.Min(best, Starts(query, space < 0 ? rest : rest[..space], best));
            if (space < 0) break;
            rest = rest[(space + 1)..];
        }
        return best;
    }

    private static int Starts(string query, ReadOnlySpan<char> word, int best)
    {
        for (var length = query.Length - 1; length <= Math.Min(word.Length, query.Length + 2) && best > 0; length++)
            best = Math.Min(best, Distance(query, word[..length]));
        return best;
    }

    private static bool IsSubsequence(string query, string key)
    {
        var i = 0;
        foreach (var c in key)
            if (i < query.Length && query[i] == c) i++;
        return i == query.Length;
    }

    /// <summary>Optimal string alignment distance: insert, delete, replace, or swap two neighbours, one edit each.</summary>
    public static int Distance(string a, string b) => Distance(a.AsSpan(), b.AsSpan());

    /// <summary>The same distance, keeping three rows of the table (on the stack when short).</summary>
    public static int Distance(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var width = b.Length + 1;
        Span<int> rows = width * 3 <= 768 ? stackalloc int[width * 3] : new int[width * 3];
        Span<int> before = rows[..width], previous = rows[width..(2 * width)], current = rows[(2 * width)..];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    current[j] = Math.Min(current[j], before[j - 2] + 1);
            }
            var spare = before;
            before = previous;
            previous = current;
            current = spare;
        }
        return previous[b.Length];
    }
}
