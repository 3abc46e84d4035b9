namespace EventBot.Bot.Features.Remember;

/// <summary>Orders text as people count: runs of digits by their number, so <c>key2</c> comes before <c>key10</c>.</summary>
public sealed class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var (xs, xe) = DigitRun(x, i);
                var (ys, ye) = DigitRun(y, j);
                // Compare numbers without parsing (any length): fewer significant digits is smaller, then digit by digit.
                var byLength = (xe - xs).CompareTo(ye - ys);
                if (byLength != 0) return byLength;
                var byDigits = string.CompareOrdinal(x, xs, y, ys, xe - xs);
                if (byDigits != 0) return byDigits;
                i = xe;
                j = ye;
                continue;
            }
            var byChar = x[i].CompareTo(y[j]);
            if (byChar != 0) return byChar;
            i++;
            j++;
        }
        var byRest = (x.Length - i).CompareTo(y.Length - j);
        return byRest != 0 ? byRest : string.CompareOrdinal(x, y);
    }

    /// <summary>The significant digits of the run starting at <paramref name="start"/> (leading zeros skipped) and its end.</summary>
    private static (int Start, int End) DigitRun(string s, int start)
    {
        var end = start;
        while (end < s.Length && char.IsAsciiDigit(s[end])) end++;
        var significant = start;
        while (significant < end - 1 && s[significant] == '0') significant++;
        return (significant, end);
    }
}
