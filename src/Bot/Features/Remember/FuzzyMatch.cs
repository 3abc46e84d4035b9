namespace EventBot.Bot.Features.Remember;

/// <summary>
/// Ranks a key against search text: exact, prefix, substring, word prefixes, subsequence, then small typos. A typo is
/// measured by edit distance counting a swap of two neighbours as one edit (<c>kye</c> is one edit from <c>key</c>),
/// against the start of the key and of each of its words, so <c>kye</c> also finds <c>key1</c> and <c>my key</c>.
/// Autocomplete scores every key of a server on each keystroke: <see cref="Prepare"/> the search text once, then score.
/// </summary>
public static class FuzzyMatch
{
    public static int Score(string query, string key) => Prepare(query).Score(key);

    public static Pattern Prepare(string query) => new(query);

    /// <summary>Search text made ready to score many keys: its characters' positions as bit masks (texts up to 64 characters).</summary>
    public sealed class Pattern
    {
        private readonly string _query;
        private readonly int _allowed;
        private readonly ulong[]? _ascii;
        private readonly Dictionary<char, ulong>? _other;

        internal Pattern(string query)
        {
            _query = query;
            _allowed = Math.Max(1, query.Length / 3);
            if (query.Length is 0 or > 64) return;
            _ascii = new ulong[128];
            for (var i = 0; i < query.Length; i++)
            {
                var c = query[i];
                if (c < 128) _ascii[c] |= 1UL << i;
                else (_other ??= [])[c] = (_other.TryGetValue(c, out var mask) ? mask : 0) | (1UL << i);
            }
        }

        public int Score(string key)
        {
            var query = _query;
            if (key == query) return 1000;
            if (key.StartsWith(query, StringComparison.Ordinal)) return 900 - Math.Min(100, key.Length - query.Length);
            var at = key.IndexOf(query, StringComparison.Ordinal);
            if (at >= 0) return 800 - Math.Min(100, at);
            if (EveryWordStartsOne(query, key)) return 700;
            if (IsSubsequence(query, key)) return 500 - Math.Min(100, key.Length - query.Length);
            var distance = TypoDistance(key, _allowed);
            return distance <= _allowed ? 300 - (distance * 10) : 0;
        }

        /// <summary>
        /// The smallest distance from the query to a candidate: the key's start (up to two longer than the query), and
        /// for queries of three or more characters the starts of the key and of each of its words from one shorter to two
        /// longer than the query. One pass per start gives every candidate length of that start at once; the answer is
        /// exact up to <paramref name="bound"/>, and anything larger only means "too far".
        /// </summary>
        private int TypoDistance(string key, int bound)
        {
            var q = _query.Length;
            var head = key.AsSpan(0, Math.Min(key.Length, q + 2));
            var best = Closest(head, q < 3 ? head.Length : Math.Min(q - 1, head.Length), bound);
            // The first word's starts are starts of the key, counted already.
            var first = key.IndexOf(' ');
            if (q < 3 || first < 0) return best;
            var rest = key.AsSpan(first + 1);
            while (best > 0)
            {
                var space = rest.IndexOf(' ');
                var word = space < 0 ? rest : rest[..space];
                if (word.Length >= q - 1) best = Math.Min(best, Closest(word[..Math.Min(word.Length, q + 2)], q - 1, Math.Min(bound, best)));
                if (space < 0) break;
                rest = rest[(space + 1)..];
            }
            return best;
        }

        /// <summary>The smallest distance from the query to a start of <paramref name="text"/> at least <paramref name="shortest"/> long.</summary>
        private int Closest(ReadOnlySpan<char> text, int shortest, int bound) =>
            _ascii is null ? ClosestByTable(_query, text, shortest, bound) : ClosestByBits(text, shortest);

        /// <summary>
        /// The same distances as the table, a column at a time in the bits of one word (Hyyrö's bit-parallel edit
        /// distance with transpositions, for the whole query against the text's starts: the table's first row counts up).
        /// Bit i of the vertical masks says whether the column's value rises (<c>vp</c>) or falls (<c>vn</c>) from row i
        /// to row i + 1; the score follows the last row.
        /// </summary>
        private int ClosestByBits(ReadOnlySpan<char> text, int shortest)
        {
            var m = _query.Length;
            var last = 1UL << (m - 1);
            ulong vp = ulong.MaxValue, vn = 0, d0 = 0, previousMatch = 0;
            var score = m;
            var closest = shortest == 0 ? score : int.MaxValue;
            for (var j = 0; j < text.Length; j++)
            {
                var c = text[j];
                var match = c < 128 ? _ascii![c] : _other is not null && _other.TryGetValue(c, out var mask) ? mask : 0;
                var swap = ((~d0 & match) << 1) & previousMatch;
                d0 = (((match & vp) + vp) ^ vp) | match | vn | swap;
                var hp = vn | ~(d0 | vp);
                var hn = vp & d0;
                if ((hp & last) != 0) score++;
                else if ((hn & last) != 0) score--;
                if (j + 1 >= shortest) closest = Math.Min(closest, score);
                hp = (hp << 1) | 1;
                hn <<= 1;
                vp = hn | ~(d0 | hp);
                vn = hp & d0;
                previousMatch = match;
            }
            return closest;
        }
    }

    /// <summary>Every word of the query starts a word of the key. No strings made.</summary>
    private static bool EveryWordStartsOne(string query, string key)
    {
        var rest = query.AsSpan();
        while (true)
        {
            var space = rest.IndexOf(' ');
            if (!SomeWordStartsWith(key, space < 0 ? rest : rest[..space])) return false;
            if (space < 0) return true;
            rest = rest[(space + 1)..];
        }
    }

    private static bool SomeWordStartsWith(ReadOnlySpan<char> key, ReadOnlySpan<char> prefix)
    {
        while (true)
        {
            var space = key.IndexOf(' ');
            if ((space < 0 ? key : key[..space]).StartsWith(prefix, StringComparison.Ordinal)) return true;
            if (space < 0) return false;
            key = key[(space + 1)..];
        }
    }

    /// <summary>
    /// The smallest <see cref="Distance(ReadOnlySpan{char}, ReadOnlySpan{char})"/> from <paramref name="a"/> to a start
    /// of <paramref name="b"/> at least <paramref name="shortest"/> long; <paramref name="bound"/> + 1 when all are
    /// over <paramref name="bound"/>. For search text longer than the bit masks hold.
    /// </summary>
    private static int ClosestByTable(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int shortest, int bound)
    {
        var width = b.Length + 1;
        Span<int> rows = width * 3 <= 768 ? stackalloc int[width * 3] : new int[width * 3];
        Span<int> before = rows[..width], previous = rows[width..(2 * width)], current = rows[(2 * width)..];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        var previousLeast = 0;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var least = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    current[j] = Math.Min(current[j], before[j - 2] + 1);
                least = Math.Min(least, current[j]);
            }
            // A cell comes from its own row, the row above or (a swap) the one above that, never for less: two rows in
            // a row over the bound mean every later row is over it too.
            if (least > bound && previousLeast > bound) return bound + 1;
            previousLeast = least;
            var spare = before;
            before = previous;
            previous = current;
            current = spare;
        }
        var closest = bound + 1;
        for (var j = shortest; j <= b.Length; j++) closest = Math.Min(closest, previous[j]);
        return closest;
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
