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
        var distance = Candidates(query, key).Min(c => Distance(query, c));
        var allowed = Math.Max(1, query.Length / 3);
        return distance <= allowed ? 300 - (distance * 10) : 0;
    }

    /// <summary>
    /// The key's start (up to two longer than the query, as before), and for queries of three or more characters the
    /// starts of the key and of each of its words from one shorter to two longer than the query.
    /// </summary>
    private static IEnumerable<string> Candidates(string query, string key)
    {
        yield return key.Length > query.Length + 2 ? key[..(query.Length + 2)] : key;
        if (query.Length < 3) yield break;
        foreach (var word in key.Split(' ').Prepend(key))
            for (var length = query.Length - 1; length <= Math.Min(word.Length, query.Length + 2); length++)
                yield return word[..length];
    }

    private static bool IsSubsequence(string query, string key)
    {
        var i = 0;
        foreach (var c in key)
            if (i < query.Length && query[i] == c) i++;
        return i == query.Length;
    }

    /// <summary>Optimal string alignment distance: insert, delete, replace, or swap two neighbours, one edit each.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i, j - 1] + 1, d[i - 1, j] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
