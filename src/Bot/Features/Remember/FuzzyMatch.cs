namespace EventBot.Bot.Features.Remember;

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
